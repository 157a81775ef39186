# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Option checks and checked writes of adaptive_text_detection.py (doc/reliability.md): a bad numeric option
is a usage error (argparse exits 2), and output that cannot be written is an error naming the path."""
import argparse
import os


def int_in(lo, hi, unset=None):
    def parse(text):
        value = int(text)
        if value != unset and not lo <= value <= hi:
            raise argparse.ArgumentTypeError("%d is out of range: it must be in [%d, %d]%s"
                                             % (value, lo, hi, "" if unset is None else " (%d = not set)" % unset))
        return value
    return parse


def unit_interval(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise argparse.ArgumentTypeError("%s is out of range: it must be in [0, 1]" % text)
    return value


def prepare_output_dir(path):
    """Creates the output folder and proves it writable, before the first image; None or an error message."""
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".adaptivetext_write_probe_%d" % os.getpid())
        with open(probe, "w") as f:
            f.write("probe\n")
        os.remove(probe)
    except OSError as e:
        return "the output folder '%s' cannot be created or written: %s" % (path, e.strerror or e)
    return None


def write_checked(path, data):
    """Writes bytes; on failure removes the partial file and raises OSError naming the path."""
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        if os.path.exists(path):
            os.remove(path)
        raise OSError(e.errno, "cannot write '%s': %s" % (path, e.strerror or e))
