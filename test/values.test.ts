// src/model/values.ts: addresses as keepalived reads them. IPv4 is the four-part decimal form that
// inet_pton accepts, the form ipaddr.js's isValidFourPartDecimal accepts: the octets are checked
// here without it (it parses every address into an object), so both are held to agree.
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseAddress, parseHostAddress } from '../src/model/values.js';

describe('parseAddress', () => {
  it('IPv4: four decimal parts of 0..255, no leading zero, an optional prefix up to 32', () => {
    expect(parseAddress('192.0.2.1/24')).toEqual({ family: 'ipv4', prefix: 24, text: '192.0.2.1/24' });
    expect(parseAddress('255.255.255.255')).toEqual({ family: 'ipv4', prefix: null, text: '255.255.255.255' });
    expect(parseAddress('0.0.0.0/0')?.family).toBe('ipv4');
    for (const bad of [
      '256.0.0.1',
      '1.2.3.256',
      '1.2.3.2550',
      '10.1',
      '010.0.0.1',
      '1.2.3.4/33',
      '1.2.3.4.5',
      'a.b.c.d',
    ])
      expect(parseAddress(bad), bad).toBeNull();
    expect(parseAddress('99999999999999999999.1.1.1')).toBeNull();
  });

  it('agrees with ipaddr.js on every four-part word (generated, including octets past 255)', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let checked = 0;
    for (let i = 0; i < 20000; i++) {
      const parts = [0, 1, 2, 3].map(() => String([next(256), next(300), next(1000), next(100000)][next(4)]));
      const text = parts.join('.');
      expect(parseAddress(text) !== null, text).toBe(ipaddr.IPv4.isValidFourPartDecimal(text));
      checked++;
    }
    expect(checked).toBe(20000);
  });

  it('IPv6 through ipaddr.js, with a zone and a prefix up to 128; a host address drops what follows "-" or "/"', () => {
    expect(parseAddress('2001:db8::1/64')).toEqual({ family: 'ipv6', prefix: 64, text: '2001:db8::1/64' });
    expect(parseAddress('fe80::1%eth0')?.family).toBe('ipv6');
    expect(parseAddress('2001:db8::1/129')).toBeNull();
    expect(parseHostAddress('192.0.2.2/24')?.text).toBe('192.0.2.2');
    expect(parseHostAddress('192.0.2.2-10')?.text).toBe('192.0.2.2');
  });
});
