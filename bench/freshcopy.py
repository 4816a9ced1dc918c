#!/usr/bin/env python3
"""Copies a data set for one benchmark run, each file written anew in 1 MiB writes, its mtime and mode kept.

    bench/freshcopy.py SOURCE DEST

Why: sendfile pays per page-cache piece (folio), and a file's pieces are the size it was written in, or, once it
was dropped from the page cache and read back, the size readahead chose, which for files of a few MB is mostly
small. bench/run.sh writes nginx's prebuilt archives at the start of every run, in 1 MiB writes; a data set made
before a drop of the page cache (this VM's is dropped from outside now and then) is read back in small pieces, so
the service read small pieces where nginx read large ones (bench/README.md, eleventh part). Serving this copy
gives both sides files written the same way, minutes apart.

Modification times and permissions are kept, so the archives have the same bytes as archives of SOURCE (links
and *.part files are left out; bench/mkdata.sh makes neither). A sparse file (the 5 GiB huge/video.bin, all
holes) is hard-linked instead, or copied with its holes where DEST is on another file system.
"""
import os
import stat
import sys

CHUNK = 1 << 20


def is_sparse(st):
    return st.st_blocks * 512 < st.st_size


def copy_file(src, dst, st):
    sparse = is_sparse(st)
    if sparse:
        try:
            os.link(src, dst)
            return
        except OSError:
            pass  # another file system: copied below, holes kept by seeking over zero chunks
    with open(src, "rb", buffering=0) as fin, open(dst + ".part", "wb", buffering=0) as fout:
        while True:
            chunk = fin.read(CHUNK)
            if not chunk:
                break
            if sparse and chunk.count(0) == len(chunk):
                fout.seek(len(chunk), os.SEEK_CUR)
            else:
                view = memoryview(chunk)
                while view:  # an unbuffered write may take only part of it
                    view = view[fout.write(view):]
        fout.truncate(st.st_size)
    os.replace(dst + ".part", dst)
    os.chmod(dst, st.st_mode & 0o7777)
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


def main(source, dest):
    folders = []
    for here, dirs, files in os.walk(source):
        dirs.sort()
        rel = os.path.relpath(here, source)
        target = os.path.normpath(os.path.join(dest, rel))
        os.makedirs(target, exist_ok=True)
        folders.append((here, target))
        for name in sorted(files):
            src = os.path.join(here, name)
            st = os.lstat(src)
            if name.endswith(".part") or not stat.S_ISREG(st.st_mode):  # lstat: a link is not regular
                continue
            copy_file(src, os.path.join(target, name), st)
    for here, target in reversed(folders):  # after their contents, which change a folder's mtime; SOURCE too
        st = os.stat(here)
        os.chmod(target, st.st_mode & 0o7777)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
