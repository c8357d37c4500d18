"""`make bench`: every benchmark, one after another, each printing its figures; the cost model last, from the
figures the others measured in the same run."""
from bench import aggregator, cold_start, cost, finalization, finalize_scale, requests, result_files, write_path

if __name__ == "__main__":
    for benchmark in (write_path, aggregator, cold_start):
        benchmark.main()
        print()
    finalized = finalization.main()
    print()
    finalize_scale.main()
    print()
    result_files.main()
    print()
    measured = requests.main()
    print()
    cost.main(measured, finalized)
