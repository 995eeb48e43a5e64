import * as assert from 'node:assert/strict';
import { hostScope, urlHostScope } from '../../../src/core/util/url';

describe('hostScope: can a service on the internet reach this host?', () => {
  it('loopback: 127/8, 0.0.0.0, ::1, ::, IPv4-mapped loopback, localhost and *.localhost', () => {
    for (const host of [
      '127.0.0.1',
      '127.255.3.4',
      '0.0.0.0',
      '::1',
      '[::1]',
      '::',
      '0:0:0:0:0:0:0:1',
      '[::ffff:127.0.0.1]',
      '::ffff:7f00:1',
      'localhost',
      'LOCALHOST',
      'app.localhost',
      'localhost.',
    ])
      assert.equal(hostScope(host), 'loopback', host);
  });

  it('private: 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, fc00::/7, fe80::/10, mapped private IPv4, single-label and local names', () => {
    for (const host of [
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.20',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
      'fc00::1',
      'fd12:3456::1',
      '[fdff:ffff::]',
      'fe80::1',
      'fe80::1%eth0',
      'febf::1',
      '::ffff:10.1.2.3',
      'devbox',
      'printer.local',
      'nas.lan',
      'db.internal',
      'router.home.arpa',
      'box.localdomain',
    ])
      assert.equal(hostScope(host), 'private', host);
  });

  it('public: everything else, including the neighbours of each private range', () => {
    for (const host of [
      '8.8.8.8',
      '172.15.255.255',
      '172.32.0.1',
      '192.169.0.1',
      '169.253.1.1',
      '100.63.255.255',
      '100.128.0.1',
      '11.0.0.1',
      '2001:4860:4860::8888',
      'fec0::1',
      'fbff::1',
      '::ffff:8.8.8.8',
      'abc.ngrok-free.app',
      'example.com',
      'xyz-8788.app.github.dev',
      'local.example.com',
    ])
      assert.equal(hostScope(host), 'public', host);
  });

  it('reads the host of a URL as WHATWG parses it (other IPv4 spellings normalised); undefined for what is not an http(s) URL', () => {
    assert.equal(urlHostScope('http://127.0.0.1:8788/webhooks'), 'loopback');
    assert.equal(urlHostScope('http://0x7f.1:8788/'), 'loopback');
    assert.equal(urlHostScope('http://2130706433/'), 'loopback');
    assert.equal(urlHostScope('http://[::ffff:192.168.0.1]/'), 'private');
    assert.equal(urlHostScope('https://user:pw@10.1.1.1/x'), 'private');
    assert.equal(urlHostScope('https://abc.ngrok.app/webhooks'), 'public');
    assert.equal(urlHostScope('not a url'), undefined);
    assert.equal(urlHostScope('ftp://127.0.0.1/'), undefined);
  });
});
