"""`make bench`: every benchmark, one after another, each printing its figures; the cost model last, from the
figures the others measured in the same run. The national-scale finalization runs in an interpreter of its own:
its memory and CPU figures come from getrusage, which in this process would count the earlier benchmarks' heap
and the DynamoDB Local servers they started and stopped."""
import subprocess
import sys

from bench import aggregator, cold_start, cost, finalization, requests, result_files, write_path

if __name__ == "__main__":
    for benchmark in (write_path, aggregator, cold_start):
        benchmark.main()
        print()
    finalized = finalization.main()
    print()
    sys.stdout.flush()
    subprocess.run([sys.executable, "-m", "bench.finalize_scale"], check=True)
    print()
    result_files.main()
    print()
    measured = requests.main()
    print()
    cost.main(measured, finalized)
