# A key-value consumer written in Python and built by componentize-py, against
# wasi:keyvalue@0.2.0-draft (examples/README.md). It uses the store, atomics and batch, checks
# every answer, and fails the run on a wrong one.
from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import atomics, batch, store


def check(what, got, want):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, expected {want!r}")
    print(f"{what} -> {got}")


def main():
    bucket = store.open("examples-python")
    batch.delete_many(bucket, ["greeting", "counter", "fruit/a", "fruit/b"])

    bucket.set("greeting", b"hello from Python")
    check("get greeting", bucket.get("greeting"), b"hello from Python")
    check("get absent", bucket.get("absent"), None)

    check("increment counter by 5", atomics.increment(bucket, "counter", 5), 5)
    check("increment counter by 2", atomics.increment(bucket, "counter", 2), 7)
    check("get counter", bucket.get("counter"), b"7")

    batch.set_many(bucket, [("fruit/a", b"apple"), ("fruit/b", b"banana")])
    got = batch.get_many(bucket, ["fruit/a", "fruit/missing", "fruit/b"])
    check("get-many", got, [("fruit/a", b"apple"), None, ("fruit/b", b"banana")])
    batch.delete_many(bucket, ["fruit/a", "fruit/b"])
    check("exists fruit/a after delete-many", bucket.exists("fruit/a"), False)
    print("python consumer: all checks passed")


class Run(exports.Run):
    def run(self) -> None:
        try:
            main()
        except Err as e:
            print(f"python consumer: FAILED: {e.value}")
            raise Err(None)
        except AssertionError as e:
            print(f"python consumer: FAILED: {e}")
            raise Err(None)
