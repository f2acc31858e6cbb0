import { describe, expect, it } from 'vitest';
import { classifyAddress, urlRefusal } from '../src/http/policy.js';

// Which URLs and addresses the outbound policy refuses, before any connection (the client under it: outbound-policy.test.ts).

const PRIVATE = { allowPrivateNetwork: false };

describe('outbound policy: URLs', () => {
  it('allows https anywhere public and plain http only to loopback', () => {
    expect(urlRefusal('https://mastodon.social/api/v1', PRIVATE)).toBeNull();
    expect(urlRefusal('http://127.0.0.1:9999/x', PRIVATE)).toBeNull();
    expect(urlRefusal('http://localhost:8080/', PRIVATE)).toBeNull();
    expect(urlRefusal('http://[::1]:8080/', PRIVATE)).toBeNull();
    expect(urlRefusal('http://feeds.example/rss', PRIVATE)).toMatch(/plain http is allowed only to loopback/);
    expect(urlRefusal('ws://stream.example/', PRIVATE)).toMatch(/plain ws is allowed only to loopback/);
  });

  it('refuses file:, gopher: and other schemes', () => {
    expect(urlRefusal('file:///etc/passwd', PRIVATE)).toMatch(/scheme "file:"/);
    expect(urlRefusal('gopher://127.0.0.1:6379/_FLUSHALL', PRIVATE)).toMatch(/scheme "gopher:"/);
    expect(urlRefusal('ftp://files.example/', PRIVATE)).toMatch(/scheme "ftp:"/);
  });

  it('refuses metadata, private and "this host" addresses in every spelling', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/computeMetadata/v1/',
      'https://[::ffff:169.254.169.254]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[fd00:ec2::254]/',
      'https://0.0.0.0:8080/',
      'http://0.0.0.0:8080/',
      'https://[::]/',
    ]) {
      expect(urlRefusal(url, PRIVATE), url).not.toBeNull();
      expect(urlRefusal(url, { allowPrivateNetwork: true }), `${url} even with allowPrivateNetwork`).not.toBeNull();
    }
    for (const url of [
      'https://10.0.0.1/',
      'https://172.16.5.4/',
      'https://192.168.1.10/',
      'https://100.64.0.1/',
      'https://169.254.1.1/',
      'https://[fd12::1]/',
      'https://[fe80::1]/',
    ]) {
      expect(urlRefusal(url, PRIVATE), url).toMatch(/private or link-local.*allowPrivateNetwork: true/);
      expect(urlRefusal(url, { allowPrivateNetwork: true }), url).toBeNull();
    }
  });

  it('refuses IPv4 written as one number, in octal or hex, or wrapped in IPv6 (filter bypasses)', () => {
    expect(urlRefusal('http://2130706433/', PRIVATE)).toMatch(/unusual form; write it as 127\.0\.0\.1/);
    expect(urlRefusal('https://2852039166/', PRIVATE)).toMatch(/unusual form; write it as 169\.254\.169\.254/);
    expect(urlRefusal('http://0x7f.1/', PRIVATE)).toMatch(/unusual form/);
    expect(urlRefusal('http://0177.0.0.1/', PRIVATE)).toMatch(/unusual form/);
    expect(urlRefusal('http://127.1/', PRIVATE)).toMatch(/unusual form/);
    expect(urlRefusal('http://[::ffff:127.0.0.1]/', PRIVATE)).toMatch(/wrapped in IPv6/);
  });

  it('classifies addresses after unmapping IPv4-in-IPv6', () => {
    expect(classifyAddress('::ffff:10.0.0.1')).toBe('private');
    expect(classifyAddress('::ffff:a9fe:a9fe')).toBe('forbidden');
    expect(classifyAddress('0:0:0:0:0:ffff:7f00:1')).toBe('loopback');
    expect(classifyAddress('8.8.8.8')).toBe('public');
    expect(classifyAddress('2001:4860:4860::8888')).toBe('public');
  });
});
