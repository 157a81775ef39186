#!/usr/bin/python3
"""Regenerates every reference case in test/data. Each gen_*.py module has a main() and is independent
of the C++ code: expected outputs come from NumPy or PyTorch/torchvision."""
import glob
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

if __name__ == "__main__":
    for path in sorted(glob.glob(os.path.join(HERE, "gen_*.py"))):
        mod = importlib.import_module(os.path.splitext(os.path.basename(path))[0])
        print("generating", mod.__name__)
        mod.main()
