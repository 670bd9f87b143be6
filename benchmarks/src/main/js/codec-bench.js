'use strict';
// The @wecom/crypto peer of CodecBenchmark: the same two operations on the same fixture (written by
// io.wecomrelay.benchmarks.codec.CodecFixture), single-threaded, timed over N iterations after a
// warm-up. Prints one line per operation: "<name> <µs/op>" (median of the rounds), then "node <version>".
//   node codec-bench.js FIXTURE.json [iterations=20000] [rounds=5]
const fs = require('fs');
const { getSignature, decrypt, encrypt } = require('@wecom/crypto');

const fixture = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const iterations = Number(process.argv[3] || 20000);
const rounds = Number(process.argv[4] || 5);
const { token, key, timestamp, nonce, msgSignature, callbackBody, streamId, replyContent } = fixture;

// (a) read the envelope, verify the signature, decrypt, parse the callback
function openTextCallback() {
  const envelope = JSON.parse(callbackBody);
  if (getSignature(token, timestamp, nonce, envelope.encrypt) !== msgSignature) {
    throw new Error('signature mismatch');
  }
  const callback = JSON.parse(decrypt(key, envelope.encrypt).message);
  if (callback.msgtype !== 'text') throw new Error('not a text callback');
  return callback;
}

// (b) build the stream reply JSON, encrypt, sign, write the reply envelope
function sealStreamReply() {
  const json = JSON.stringify({ msgtype: 'stream', stream: { id: streamId, finish: false, content: replyContent } });
  const ciphertext = encrypt(key, json, '');
  const signature = getSignature(token, timestamp, nonce, ciphertext);
  return JSON.stringify({ encrypt: ciphertext, msgsignature: signature, timestamp, nonce });
}

// correctness first: the same message as the Java peers
if (JSON.stringify(openTextCallback()) !== JSON.stringify(JSON.parse(fixture.plaintext))) {
  throw new Error('fixture does not round-trip');
}
const sealed = JSON.parse(sealStreamReply());
if (!decrypt(key, sealed.encrypt).message.includes(streamId)) throw new Error('sealed reply does not open');

let sink = 0;
function time(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const result = fn();
    sink += typeof result === 'string' ? result.length : 1;
  }
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

for (const [name, fn] of [['openTextCallback', openTextCallback], ['sealStreamReply', sealStreamReply]]) {
  time(fn); // warm-up round: V8 tiers up
  time(fn);
  const results = [];
  for (let r = 0; r < rounds; r++) results.push(time(fn));
  results.sort((a, b) => a - b);
  console.log(`${name} ${results[Math.floor(results.length / 2)].toFixed(3)} min=${results[0].toFixed(3)} max=${results[results.length - 1].toFixed(3)}`);
}
console.log(`node ${process.version} sink=${sink % 10}`);
