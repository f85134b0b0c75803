#!/usr/bin/env python3
"""compare_labels.py OUT_A OUT_B: exact comparison of the labels (and JSON metrics) of two run_methods.sh outputs."""
import json, os, sys
import h5py, numpy as np

def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_labels.py OUT_A OUT_B")
    a, b = sys.argv[1:]
    names_a = {f[:-3] for f in os.listdir(a) if f.endswith(".h5")}
    names_b = {f[:-3] for f in os.listdir(b) if f.endswith(".h5")}
    bad = False
    for n in sorted(names_a ^ names_b):
        print(f"ONLY IN {'A' if n in names_a else 'B'}: {n}")
        bad = True
    for n in sorted(names_a & names_b):
        problems = []
        with h5py.File(os.path.join(a, n + ".h5"), "r") as fa, h5py.File(os.path.join(b, n + ".h5"), "r") as fb:
            la, lb = fa["labels"][:], fb["labels"][:]
        if la.shape != lb.shape or la.dtype != lb.dtype:
            problems.append(f"labels shape/dtype {la.shape} {la.dtype} vs {lb.shape} {lb.dtype}")
        else:
            d = int(np.count_nonzero(la != lb))
            if d:
                problems.append(f"{d} of {la.size} labels differ")
        ja, jb = os.path.join(a, n + ".json"), os.path.join(b, n + ".json")
        if os.path.exists(ja) and os.path.exists(jb):
            try:
                ma, mb = json.load(open(ja)).get("metrics"), json.load(open(jb)).get("metrics")
            except json.JSONDecodeError as e:
                ma = mb = None
                problems.append(f"bad JSON: {e}")
            if ma != mb:
                keys = sorted(set(ma or {}) | set(mb or {}))
                diffs = [f"{k} {(ma or {}).get(k)} vs {(mb or {}).get(k)}" for k in keys if (ma or {}).get(k) != (mb or {}).get(k)]
                problems.append("metrics differ: " + "; ".join(diffs))
        else:
            problems.append("JSON missing")
        acc = (json.load(open(ja)).get("metrics") or {}).get("acc") if os.path.exists(ja) else None
        if problems:
            bad = True
            print(f"DIFF  {n}: " + " | ".join(problems))
        else:
            print(f"SAME  {n}: {la.size} labels identical, ACC {acc}")
    print("RESULT:", "DIFFERENT" if bad else "IDENTICAL")
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main()
