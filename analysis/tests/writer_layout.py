"""The C++ writers' HDF5 attribute conventions, for tests that write files in their layout with h5py."""

import h5py
import numpy as np


def string_attribute(obj, name, value):
    """A scalar fixed-length, null-terminated ASCII string attribute (write_string_attribute, hdf5_handle.cpp)."""
    data = value.encode("ascii")
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(len(data) + 1)
    tid.set_strpad(h5py.h5t.STR_NULLTERM)
    tid.set_cset(h5py.h5t.CSET_ASCII)
    attribute = h5py.h5a.create(obj.id, name.encode("ascii"), tid, h5py.h5s.create(h5py.h5s.SCALAR))
    attribute.write(np.array(data + b"\0", dtype=f"S{len(data) + 1}"))


def metadata(f, deck):
    """write_metadata_attributes (src/io/file_metadata.cpp)."""
    for name, value in (("software", "inflanet"), ("code_version", "0.0.0-synthetic"),
                        ("git_commit", "0" * 40), ("created", "2026-01-01T00:00:00Z"), ("deck", deck)):
        string_attribute(f, name, value)
