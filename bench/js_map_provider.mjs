// wasi:keyvalue@0.2.0-draft as a jco user would write it in JavaScript: buckets are Maps. The
// benchmark links the same consumer to this (jco transpile --map) and to the fused kv-memory
// provider, and compares.
class KvError extends Error {
  constructor(message) {
    super(message);
    this.payload = { tag: 'other', val: message };
  }
}

const buckets = new Map();

class Bucket {
  constructor(map) {
    this.map = map;
  }
  get(key) {
    return this.map.get(key);
  }
  set(key, value) {
    this.map.set(key, value);
  }
  delete(key) {
    this.map.delete(key);
  }
  exists(key) {
    return this.map.has(key);
  }
  listKeys(cursor) {
    const all = [...this.map.keys()];
    const start = Number(cursor ?? 0n);
    const keys = all.slice(start, start + 1000);
    const next = start + keys.length;
    return { keys, cursor: next < all.length ? BigInt(next) : undefined };
  }
}

export const store = {
  Bucket,
  open(name) {
    if (!buckets.has(name)) buckets.set(name, new Map());
    return new Bucket(buckets.get(name));
  },
};

export const atomics = {
  increment(bucket, key, delta) {
    const old = bucket.map.get(key);
    const current = old === undefined ? 0n : BigInt(new TextDecoder().decode(old));
    const sum = current + delta;
    if (sum >= 2n ** 64n) throw new KvError('overflow');
    bucket.map.set(key, new TextEncoder().encode(sum.toString()));
    return sum;
  },
};

export const batch = {
  getMany(bucket, keys) {
    return keys.map((k) => (bucket.map.has(k) ? [k, bucket.map.get(k)] : undefined));
  },
  setMany(bucket, pairs) {
    for (const [k, v] of pairs) bucket.map.set(k, v);
  },
  deleteMany(bucket, keys) {
    for (const k of keys) bucket.map.delete(k);
  },
};
