#!/usr/bin/env node
// The local stack's S3 emulator: s3rver from npm (objects kept as files in its --directory), with two changes
// made before its own command line runs (same options: -d, -a, -p, --silent, --configure-bucket, ...):
//
// 1. Any access key is accepted, as DynamoDB Local and moto do. s3rver knows the one key S3RVER and does not
//    check signature v4 at all, so the app's fake credentials would only earn InvalidAccessKeyId.
// 2. An object (or a part of a multipart upload) is answered only once it is on disk, whole: written to a
//    temporary file, flushed, and renamed over the key's file after its metadata. s3rver's own store answers
//    as soon as the body has been read, before its file is written, and writes in place, so a kill right
//    after a 200 could lose the end of a file and a kill during a write could leave half of one.
'use strict';

const crypto = require('crypto');
const fs = require('fs-extra');
const path = require('path');
const { Readable, Transform } = require('stream');
const { pipeline } = require('stream/promises');
const { pick, pickBy } = require('lodash');

const AWSAccount = require('s3rver/lib/models/account');
const S3Object = require('s3rver/lib/models/object');
const FilesystemStore = require('s3rver/lib/stores/filesystem');

const knownAccount = AWSAccount.registry.get.bind(AWSAccount.registry);
AWSAccount.registry.get = accessKeyId => knownAccount(accessKeyId) || AWSAccount.DUMMY_ACCOUNT;

function temporaryName(file) {
  // Never ends in "._S3rver_object": listings skip it, and a kill leaves it behind harmlessly.
  return `${file}.${process.pid}-${crypto.randomBytes(6).toString('hex')}.partial`;
}

async function sync(file) {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// Writes `content` (a stream or a Buffer) to `file` through a temporary file; resolves with its size and MD5
// once the file is complete, flushed and in place.
async function writeWhole(content, file) {
  const temporary = temporaryName(file);
  const md5 = crypto.createHash('md5');
  let size = 0;
  const measure = new Transform({
    transform(chunk, encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
  try {
    await pipeline(source, measure, fs.createWriteStream(temporary));
    await sync(temporary);
    return { size, md5: md5.digest('hex'), temporary };
  } catch (err) {
    await fs.remove(temporary).catch(() => {});
    throw err;
  }
}

async function replaceWith(temporary, file) {
  await fs.rename(temporary, file);
  await sync(path.dirname(file));
}

async function writeFileWhole(file, data) {
  const temporary = temporaryName(file);
  await fs.writeFile(temporary, data);
  await sync(temporary);
  await fs.rename(temporary, file);
}

FilesystemStore.prototype.putMetadata = async function putMetadata(bucket, key, metadata, md5) {
  const json = {
    ...pick(metadata, S3Object.ALLOWED_METADATA),
    ...pickBy(metadata, (value, name) => name.startsWith('x-amz-meta-')),
  };
  if (md5) await writeFileWhole(this.getResourcePath(bucket, key, 'object.md5'), md5);
  await writeFileWhole(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(json, null, 2));
};

FilesystemStore.prototype.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await fs.mkdirp(path.dirname(objectPath));
  const { size, md5, temporary } = await writeWhole(object.content, objectPath);
  try {
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    await replaceWith(temporary, objectPath);     // the object exists from here on, complete
  } catch (err) {
    await fs.remove(temporary).catch(() => {});
    throw err;
  }
  return { size, md5 };
};

FilesystemStore.prototype.putPart = async function putPart(bucket, uploadId, partNumber, content) {
  const partPath = path.join(this.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
  await fs.mkdirp(path.dirname(partPath));
  const { size, md5, temporary } = await writeWhole(content, partPath);
  await replaceWith(temporary, partPath);
  await writeFileWhole(`${partPath}.md5`, md5);
  return { size, md5 };
};

require('s3rver/bin/s3rver.js');
