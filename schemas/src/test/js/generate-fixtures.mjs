// Generates the WeCom crypto fixtures used by the Java codec tests (and by other modules' tests)
// with Tencent's official library @wecom/crypto 1.0.1.
//
//   cd schemas/src/test/js && npm ci && node generate-fixtures.mjs
//
// Every ciphertext and signature below comes from the official encrypt()/getSignature(). The only
// thing we control is the 16-byte random prefix: encrypt() takes it as an optional fourth argument
// (it defaults to crypto.randomBytes(16)), so we pass a deterministic value derived from the case
// name. Re-running the script therefore reproduces the committed files byte for byte.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { decrypt, encrypt, getSignature } from '@wecom/crypto';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'resources', 'wecom-fixtures');
const officialVersion = createRequire(import.meta.url)('@wecom/crypto/package.json').version;

const CORP_ID = 'wx5823bf96d3bd56c7';
// The reference key of the protocol note (§2.7). Its last character 'C' has non-zero spare bits,
// which the official library (Buffer.from base64) ignores; keep it so the Java side must as well.
const REFERENCE_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

function sha256(label) {
  return createHash('sha256').update(label, 'utf8').digest();
}

function random16(label) {
  return sha256(`random16:${label}`).subarray(0, 16);
}

// A canonical 43-character EncodingAESKey (spare bits zero) derived from a label.
function deriveKey(label) {
  return sha256(`key:${label}`).toString('base64').slice(0, 43);
}

function deriveToken(label) {
  return sha256(`token:${label}`).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
}

// Builds a message of exactly `bytes` UTF-8 bytes, repeating `unit` and topping up with ASCII.
function messageOfBytes(bytes, unit) {
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  let text = '';
  let used = 0;
  while (used + unitBytes <= bytes) {
    text += unit;
    used += unitBytes;
  }
  text += 'x'.repeat(bytes - used);
  if (Buffer.byteLength(text, 'utf8') !== bytes) {
    throw new Error(`length mismatch for ${bytes}`);
  }
  return text;
}

function officialCase({ name, key, token, timestamp, nonce, msg, receiveId, random = random16(name) }) {
  const ciphertext = encrypt(key, msg, receiveId, random);
  const signature = getSignature(token, timestamp, nonce, ciphertext);

  const back = decrypt(key, ciphertext);
  if (back.message !== msg || back.id !== receiveId || !back.random.equals(random)) {
    throw new Error(`official round trip failed for ${name}`);
  }
  const rawLength = 20 + Buffer.byteLength(msg, 'utf8') + Buffer.byteLength(receiveId, 'utf8');
  const paddedLength = rawLength + (32 - (rawLength % 32));
  if (Buffer.from(ciphertext, 'base64').length !== paddedLength) {
    throw new Error(`unexpected ciphertext length for ${name}`);
  }
  return {
    name,
    key,
    token,
    timestamp,
    nonce,
    random16: random.toString('hex'),
    msg,
    msgBytes: Buffer.byteLength(msg, 'utf8'),
    receiveId,
    rawLength,
    paddedLength,
    encrypt: ciphertext,
    signature,
  };
}

function cryptoCases() {
  const cases = [];
  const refMsg = '{"msgtype":"stream","stream":{"id":"STREAMID","finish":true,"content":"hello"}}';
  // Same inputs as the protocol note's §2.7 vector, random prefix included, so its values can be
  // checked against the official library.
  const ref = {
    key: REFERENCE_KEY, token: 'QDG6eK', timestamp: '1409659813', nonce: '1372623149',
    random: Buffer.from('0123456789abcdef', 'ascii'),
  };
  cases.push(officialCase({ name: 'reference-aibot', ...ref, msg: refMsg, receiveId: '' }));
  cases.push(officialCase({ name: 'reference-corpid', ...ref, msg: refMsg, receiveId: CORP_ID }));

  const base = (label, i) => ({
    key: deriveKey(label),
    token: deriveToken(label),
    timestamp: String(1763700000 + i * 37),
    nonce: String(100000000 + i * 7919),
  });

  const texts = [
    ['ascii', 'Hello, WeCom! The quick brown fox jumps over the lazy dog. 0123456789 ~!@#$%^&*()_+{}|:"<>?'],
    ['chinese', '你好，世界！这是企业微信智能机器人的一条测试消息，包含中文标点。'],
    ['emoji', '👋🏽 hi 🎉🚀 family: 👨‍👩‍👧‍👦 flag: 🇨🇳 end'],
    ['mixed-script-json', '{"msgtype":"stream","stream":{"id":"s-1","finish":false,"content":"**广州**今日天气：29度 ☀️ 🌧️ 60%"}}'],
    ['empty', ''],
    ['long-chinese', messageOfBytes(1500, '企业微信智能机器人')],
  ];
  texts.forEach(([label, msg], i) => {
    cases.push(officialCase({ name: label, ...base(label, i), msg, receiveId: '' }));
  });

  // Raw plaintext (20 + msg + receiveId bytes) one below, at and one above every multiple of 32,
  // cycling 1-, 3- and 4-byte UTF-8 fill so block boundaries also cut through multi-byte characters.
  const units = ['a', '中', '😀'];
  let n = 0;
  for (let k = 1; k <= 8; k += 1) {
    for (const delta of [-1, 0, 1]) {
      const raw = 32 * k + delta;
      const unit = units[n % units.length];
      const label = `raw-${raw}-aibot`;
      cases.push(officialCase({ name: label, ...base(label, 100 + n), msg: messageOfBytes(raw - 20, unit), receiveId: '' }));
      n += 1;
    }
  }
  for (const raw of [63, 64, 65, 127, 128, 129, 255, 256, 257]) {
    const label = `raw-${raw}-corpid`;
    const unit = units[n % units.length];
    const msgBytes = raw - 20 - Buffer.byteLength(CORP_ID, 'utf8');
    cases.push(officialCase({ name: label, ...base(label, 100 + n), msg: messageOfBytes(msgBytes, unit), receiveId: CORP_ID }));
    n += 1;
  }
  return cases;
}

// Plaintext callbacks as WeCom sends them (§3 of the protocol note). Written as literal strings
// because WeCom escapes '/' as '\/' and the exact bytes are what gets encrypted.
const CALLBACKS = [
  ['text', String.raw`{"msgid":"CAIQ16HMjQYY\/NGagIOAgAMgq4KM0AI=","aibotid":"aibFixtureBot0001","chatid":"wrkSFfCgAAfixtureGroup","chattype":"group","from":{"userid":"zhangsan"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_TEXT","msgtype":"text","text":{"content":"@RobotA hello robot"}}`],
  ['text-single', String.raw`{"msgid":"1732f2645eb8494c666b2266fa80c54d","aibotid":"aibFixtureBot0001","chattype":"single","from":{"userid":"lisi"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_SINGLE","create_time":1763700000,"msgtype":"text","text":{"content":"hello@项目开发管理助手 "}}`],
  ['quote', String.raw`{"msgid":"CAIQ16HMjQYY\/NGagIOAgAMgq4QUOTE=","aibotid":"aibFixtureBot0001","chatid":"wrkSFfCgAAfixtureGroup","chattype":"group","from":{"userid":"zhangsan"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_QUOTE","msgtype":"text","text":{"content":"@RobotA 总结一下"},"quote":{"msgtype":"text","text":{"content":"这是今日的测试情况"}}}`],
  ['quote-image', String.raw`{"msgid":"CAIQ16HMjQYY\/NGagIOAgAMgq4QIMG=","aibotid":"aibFixtureBot0001","chattype":"single","from":{"userid":"lisi"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_QIMG","msgtype":"text","text":{"content":"这张图里是什么？"},"quote":{"msgtype":"image","image":{"url":"https:\/\/ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com\/QUOTED?sign=abc"}}}`],
  ['image', String.raw`{"msgid":"CAIQz7\/MjQYY\/NGagIOAgAMgl8jK\/gI=","aibotid":"aibFixtureBot0001","chattype":"single","from":{"userid":"lisi"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_IMAGE","msgtype":"image","image":{"url":"https:\/\/ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com\/IMAGE?sign=q-sign-algorithm%3Dsha1%26q-sign-time%3D1733467811%3B1733468111"}}`],
  ['mixed', String.raw`{"msgid":"CAIQrcjMjQYY\/NGagIOAgAMg6PDc\/w0=","aibotid":"aibFixtureBot0001","chatid":"wrkSFfCgAAfixtureGroup","chattype":"group","from":{"userid":"zhangsan"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_MIXED","msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"@机器人 这是今日的测试情况"}},{"msgtype":"image","image":{"url":"https:\/\/ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com\/MIXED?sign=x"}}]},"quote":{"msgtype":"text","text":{"content":"这是今日的测试情况"}}}`],
  ['mixed-as-string', String.raw`{"msgid":"CAIQrcjMjQYY\/NGagIOAgAMgSTRING=","aibotid":"aibFixtureBot0001","chatid":"wrkSFfCgAAfixtureGroup","chattype":"group","from":{"userid":"zhangsan"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_MIXEDSTR","msgtype":"mixed","mixed":"{\"msg_item\":[{\"msgtype\":\"text\",\"text\":{\"content\":\"看这个\"}},{\"msgtype\":\"image\",\"image\":{\"url\":\"https:\/\/example.invalid\/img\"}}]}"}`],
  ['voice', String.raw`{"msgid":"CAIQvoice0001","aibotid":"aibFixtureBot0001","chattype":"single","from":{"userid":"lisi"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_VOICE","msgtype":"voice","voice":{"content":"这是语音转成文本的内容"}}`],
  ['file', String.raw`{"msgid":"CAIQfile00001","aibotid":"aibFixtureBot0001","chattype":"single","from":{"userid":"lisi"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_FILE","msgtype":"file","file":{"url":"https:\/\/ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com\/FILE?sign=f"}}`],
  ['video', String.raw`{"msgid":"CAIQvideo0001","aibotid":"aibFixtureBot0001","chattype":"single","from":{"userid":"lisi"},"response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_VIDEO","msgtype":"video","video":{"url":"https:\/\/ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com\/VIDEO?sign=v"}}`],
  ['stream-refresh', String.raw`{"msgid":"CAIQz7\/MjQYY\/NGagIOAgAMgREFRESH=","aibotid":"aibFixtureBot0001","chatid":"wrkSFfCgAAfixtureGroup","chattype":"group","from":{"userid":"zhangsan"},"msgtype":"stream","stream":{"id":"STREAMID-0001"}}`],
  ['enter-chat', String.raw`{"msgid":"CAIQenterchat1","create_time":1700000000,"aibotid":"aibFixtureBot0001","from":{"corpid":"wpFixtureCorp","userid":"wangwu"},"msgtype":"event","event":{"eventtype":"enter_chat"}}`],
  ['template-card-event', String.raw`{"msgid":"CAIQcardevent1","create_time":1700000000,"aibotid":"aibFixtureBot0001","from":{"corpid":"wpFixtureCorp","userid":"zhangsan"},"chatid":"wrkSFfCgAAfixtureGroup","chattype":"group","response_url":"https:\/\/qyapi.weixin.qq.com\/cgi-bin\/aibot\/response?response_code=RC_CARD","msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"card_type":"vote_interaction","event_key":"button_replace_text","task_id":"fBmjTL7ErRCQSNA6GZKMlcFiWX1shOvg","selected_items":{"selected_item":[{"question_key":"button_selection_key1","option_ids":{"option_id":["one","two"]}}]}}}}`],
  ['feedback-event', String.raw`{"msgid":"CAIQfeedback01","create_time":1700000000,"aibotid":"aibFixtureBot0001","chatid":"wrkSFfCgAAfixtureGroup","chattype":"group","from":{"userid":"zhangsan"},"msgtype":"event","event":{"eventtype":"feedback_event","feedback_event":{"id":"FEEDBACKID","type":2,"content":"能再详细一些么","inaccurate_reason_list":[2,4]}}}`],
  ['unknown-msgtype', String.raw`{"msgid":"CAIQunknown001","aibotid":"aibFixtureBot0001","chattype":"single","from":{"userid":"lisi"},"msgtype":"location","location":{"latitude":23.1,"longitude":113.3}}`],
];

function callbackCases() {
  const bot = { token: deriveToken('callbacks'), encodingAesKey: deriveKey('callbacks'), receiveId: '' };
  const cases = CALLBACKS.map(([name, plaintext], i) => {
    JSON.parse(plaintext); // guard against typos in the literals above
    const timestamp = String(1763700000 + i);
    const nonce = String(1372623149 + i * 101);
    const random = random16(`callback:${name}`);
    const ciphertext = encrypt(bot.encodingAesKey, plaintext, bot.receiveId, random);
    const signature = getSignature(bot.token, timestamp, nonce, ciphertext);
    return {
      name,
      msgtype: JSON.parse(plaintext).msgtype,
      plaintext,
      random16: random.toString('hex'),
      query: { msg_signature: signature, timestamp, nonce },
      body: JSON.stringify({ encrypt: ciphertext }),
    };
  });

  // The GET that WeCom sends when the admin saves the callback URL: answer with the decrypted echostr.
  const echo = '8246829418373416279';
  const timestamp = '1763700999';
  const nonce = '1372629999';
  const echostr = encrypt(bot.encodingAesKey, echo, bot.receiveId, random16('callback:url-verification'));
  const urlVerification = {
    query: { msg_signature: getSignature(bot.token, timestamp, nonce, echostr), timestamp, nonce, echostr },
    expectedResponse: echo,
  };
  return { bot, urlVerification, cases };
}

function write(file, doc) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, file), `${JSON.stringify(doc, null, 2)}\n`, 'utf8');
}

const generator = `schemas/src/test/js/generate-fixtures.mjs with @wecom/crypto ${officialVersion}`;
write('official-crypto.json', {
  generator,
  notes: 'encrypt/signature are the output of the official library; random16 (hex) is the prefix it was given; rawLength = 20 + msgBytes + receiveId bytes; paddedLength = ciphertext bytes',
  cases: cryptoCases(),
});
write('callbacks.json', {
  generator,
  notes: 'POST body is sent to ?msg_signature=&timestamp=&nonce= (query); plaintext is the exact decrypted JSON; bot.receiveId is "" for AI bots',
  ...callbackCases(),
});
