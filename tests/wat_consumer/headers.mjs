// test:async-consumer/headers for the test consumer on jco (world async-consumer-alias): `fields`
// is a class, `trailers` the same class under its alias.
export class Fields {
  #names = [];
  add(name) { this.#names.push(name); }
  get size() { return this.#names.length; }
}
export function count(t) { return t.size; }
export function one() {
  const f = new Fields();
  f.add('x');
  return f;
}
