import { describe, expect, test } from 'vitest';
import { deniedAddressReason, deniedHostNameReason } from './address-policy.ts';
import { webhookUrlRefusal } from './target.ts';

const strict = { allowLoopback: false };
const development = { allowLoopback: true };

describe('deniedAddressReason', () => {
  test('private, shared, link-local, multicast and reserved IPv4 ranges are refused; public ones pass', () => {
    for (const address of ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.1']) {
      expect(deniedAddressReason(address, development), address).toBeDefined();
    }
    for (const address of ['93.184.216.34', '172.15.255.255', '172.32.0.1', '100.128.0.1', '8.8.8.8']) expect(deniedAddressReason(address, strict), address).toBeUndefined();
  });

  test('IPv6: loopback, ULA (fd00:ec2::254 is the EC2 metadata service), link-local, multicast; embedded IPv4 judged by what it embeds', () => {
    for (const address of ['fd00::1', 'fd00:ec2::254', 'fc00::1', 'fe80::1', 'ff02::1', '::', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.1.2.3', '2002:a9fe:a9fe::1', '2001::1', '::10.0.0.1']) {
      expect(deniedAddressReason(address, development), address).toBeDefined();
    }
    for (const address of ['2606:4700::1111', '::ffff:93.184.216.34', '64:ff9b::5db8:d822']) expect(deniedAddressReason(address, strict), address).toBeUndefined();
  });

  test('loopback only with the development allowance', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) {
      expect(deniedAddressReason(address, strict), address).toBe('a loopback address');
      expect(deniedAddressReason(address, development), address).toBeUndefined();
    }
  });
});

describe('deniedHostNameReason', () => {
  test('metadata, internal and single-label names are refused; localhost only with the allowance', () => {
    for (const name of ['metadata.google.internal', 'metadata', 'instance-data', 'db.internal', 'printer.local', 'METADATA.GOOGLE.INTERNAL.']) expect(deniedHostNameReason(name, development), name).toBeDefined();
    expect(deniedHostNameReason('localhost', strict)).toBe('a loopback name');
    expect(deniedHostNameReason('hooks.localhost', development)).toBeUndefined();
    expect(deniedHostNameReason('api.host.example', strict)).toBeUndefined();
  });
});

describe('webhookUrlRefusal', () => {
  test('every IPv4 spelling the URL parser accepts is judged as the address it means', () => {
    for (const url of ['https://0xa9fea9fe/', 'https://2852039166/', 'https://0251.0376.0251.0376/', 'https://169.254.169.254./', 'https://169.254.43518/', 'https://[::ffff:169.254.169.254]/']) {
      expect(webhookUrlRefusal(url, development), url).toBe('must not point at a link-local (cloud metadata) address');
    }
    for (const url of ['https://127.1/', 'https://0x7f000001/', 'https://2130706433/', 'https://[::1]/', 'https://localhost./']) {
      expect(webhookUrlRefusal(url, strict), url).toMatch(/^must not point at a loopback/);
    }
  });

  test('http only to loopback, and only with the allowance', () => {
    expect(webhookUrlRefusal('http://127.0.0.1:9/x', development)).toBeUndefined();
    expect(webhookUrlRefusal('http://hooks.localhost:9/x', development)).toBeUndefined();
    expect(webhookUrlRefusal('http://api.host.example/x', development)).toBe('must be an https:// URL');
    expect(webhookUrlRefusal('https://api.host.example/x', strict)).toBeUndefined();
  });
});
