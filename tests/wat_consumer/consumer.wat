;; A consumer written in WebAssembly text, for tests/async_consumer.test.mjs: a core module that
;; imports wasi:keyvalue/store@0.2.0-draft synchronously and uses component-model async canonical
;; built-ins inside (waitable-set.new and .drop, context.get and .set of slot 0), as consumers built
;; by current toolchains do. The test makes it a component of a world of world.wit here with the
;; pinned wasm-tools, inserting a variant's imports and calls where the text marks them.
;;
;; Core imports (canonical-ABI flat signatures; a result goes to the trailing return pointer):
;;   wasi:keyvalue/store@0.2.0-draft  open, [method]bucket.set, [method]bucket.get,
;;                                    [resource-drop]bucket
;;   $root                            [waitable-set-new], [waitable-set-drop], [context-get-0],
;;                                    [context-set-0] (wit-component's names for the built-ins)
;;
;; `wasi:cli/run@0.2.3#run` returns 0 (ok) when "async" -> "yes" round-trips through the store and
;; the built-ins behave, 1 (err) otherwise. The value it expects is the data at 48: the test changes
;; it to see a wrong value fail.
(module
  ;; <variant imports>
  ;; --- wasi:keyvalue/store@0.2.0-draft ---
  ;; open: func(identifier: string) -> result<bucket, error>
  (import "wasi:keyvalue/store@0.2.0-draft" "open"
    (func $open (param i32 i32 i32)))
  ;; [method]bucket.set: func(self: borrow<bucket>, key: string, value: list<u8>) -> result<_, error>
  (import "wasi:keyvalue/store@0.2.0-draft" "[method]bucket.set"
    (func $bucket_set (param i32 i32 i32 i32 i32 i32)))
  ;; [method]bucket.get: func(self: borrow<bucket>, key: string) -> result<option<list<u8>>, error>
  (import "wasi:keyvalue/store@0.2.0-draft" "[method]bucket.get"
    (func $bucket_get (param i32 i32 i32 i32)))
  (import "wasi:keyvalue/store@0.2.0-draft" "[resource-drop]bucket"
    (func $bucket_drop (param i32)))

  ;; --- async canonical built-ins ---
  (import "$root" "[waitable-set-new]" (func $ws_new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws_drop (param i32)))
  (import "$root" "[context-get-0]" (func $ctx_get0 (result i32)))
  (import "$root" "[context-set-0]" (func $ctx_set0 (param i32)))

  (memory (export "memory") 1)

  ;; Static data.
  ;;   16: key "async"     32: value to store "yes"     48: expected value "yes"
  ;;   64: 16-byte return area (align 4)
  (data (i32.const 16) "async")
  (data (i32.const 32) "yes")
  (data (i32.const 48) "yes")

  ;; Bump allocator; the heap starts at 4096 and grows the memory when needed.
  (global $heap (mut i32) (i32.const 4096))
  (func $cabi_realloc (export "cabi_realloc")
    (param $old_ptr i32) (param $old_size i32) (param $align i32) (param $new_size i32)
    (result i32)
    (local $ptr i32) (local $end i32)
    ;; ptr = align_up(heap, align)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
    ;; grow memory if end > current size
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq
              (memory.grow
                (i32.div_u
                  (i32.add (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
                           (i32.const 65535))
                  (i32.const 65536)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    ;; copy old contents on a true realloc
    (if (i32.ne (local.get $old_size) (i32.const 0))
      (then (memory.copy (local.get $ptr) (local.get $old_ptr) (local.get $old_size))))
    (local.get $ptr))

  (func $run (export "wasi:cli/run@0.2.3#run") (result i32)
    (local $ws i32) (local $bucket i32) (local $vptr i32)
    ;; <variant calls>

    ;; 1. waitable-set.new / waitable-set.drop: handle must be non-zero.
    (local.set $ws (call $ws_new))
    (if (i32.eqz (local.get $ws)) (then (return (i32.const 1))))
    (call $ws_drop (local.get $ws))

    ;; 2. context.get/set slot 0: starts at 0 for a fresh task, then reads back.
    (if (i32.ne (call $ctx_get0) (i32.const 0)) (then (return (i32.const 1))))
    (call $ctx_set0 (i32.const 0x1234))
    (if (i32.ne (call $ctx_get0) (i32.const 0x1234)) (then (return (i32.const 1))))

    ;; 3. open("") -> result<bucket, error> at 64: tag@64, handle@68
    (call $open (i32.const 0) (i32.const 0) (i32.const 64))
    (if (i32.load8_u (i32.const 64)) (then (return (i32.const 1))))
    (local.set $bucket (i32.load (i32.const 68)))

    ;; 4. bucket.set("async", "yes") -> result<_, error>: tag@64
    (call $bucket_set (local.get $bucket)
      (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 3) (i32.const 64))
    (if (i32.load8_u (i32.const 64)) (then (return (i32.const 1))))

    ;; 5. bucket.get("async") -> result<option<list<u8>>, error>:
    ;;    result tag@64, option tag@68, list ptr@72, list len@76
    (call $bucket_get (local.get $bucket) (i32.const 16) (i32.const 5) (i32.const 64))
    (if (i32.load8_u (i32.const 64)) (then (return (i32.const 1))))
    (if (i32.ne (i32.load8_u (i32.const 68)) (i32.const 1)) (then (return (i32.const 1))))
    (if (i32.ne (i32.load (i32.const 76)) (i32.const 3)) (then (return (i32.const 1))))
    (local.set $vptr (i32.load (i32.const 72)))
    (if (i32.ne (i32.load16_u (local.get $vptr)) (i32.load16_u (i32.const 48)))
      (then (return (i32.const 1))))
    (if (i32.ne (i32.load8_u offset=2 (local.get $vptr)) (i32.load8_u offset=2 (i32.const 48)))
      (then (return (i32.const 1))))

    ;; 6. drop the bucket; context slot 0 still holds our value.
    (call $bucket_drop (local.get $bucket))
    (if (i32.ne (call $ctx_get0) (i32.const 0x1234)) (then (return (i32.const 1))))
    (call $ctx_set0 (i32.const 0))

    (i32.const 0))
)
