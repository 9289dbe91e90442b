//go:build unix

package compiler

import (
	"bytes"
	"errors"
	"io"
	"os"
	"syscall"
)

// writeFileIfChanged writes data to name with 0644 permissions (before umask), as
// os.WriteFile does, in as few system calls as it can: a new file is open(O_EXCL) + write
// + close; an existing one is compared first and rewritten only when its bytes differ.
func writeFileIfChanged(name string, data []byte) error {
	fd, err := open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
	if err == nil {
		return finish(name, fd, writeAll(fd, data, 0))
	}
	if !errors.Is(err, syscall.EEXIST) {
		return &os.PathError{Op: "open", Path: name, Err: err}
	}
	fd, err = open(name, syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: name, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return finish(name, fd, err)
	}
	if st.Size == int64(len(data)) {
		same, err := sameContent(fd, data)
		if err != nil || same {
			return finish(name, fd, err)
		}
	}
	if err := writeAll(fd, data, 0); err != nil {
		return finish(name, fd, err)
	}
	if st.Size > int64(len(data)) {
		err = syscall.Ftruncate(fd, int64(len(data)))
	}
	return finish(name, fd, err)
}

// open is syscall.Open retried on EINTR.
func open(name string, mode int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(name, mode, perm)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// writeAll writes data at offset off onwards.
func writeAll(fd int, data []byte, off int64) error {
	for len(data) > 0 {
		n, err := syscall.Pwrite(fd, data, off)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return io.ErrShortWrite
		}
		data, off = data[n:], off+int64(n)
	}
	return nil
}

// sameContent reports whether the file holds exactly data (its size already matched).
func sameContent(fd int, data []byte) (bool, error) {
	buf := make([]byte, min(len(data), 64<<10))
	var off int64
	for off < int64(len(data)) {
		n, err := syscall.Pread(fd, buf, off)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return false, err
		}
		if n == 0 || !bytes.Equal(buf[:n], data[off:off+int64(n)]) {
			return false, nil
		}
		off += int64(n)
	}
	return true, nil
}

// finish closes fd and returns the first error, as an *os.PathError naming the file.
func finish(name string, fd int, err error) error {
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return &os.PathError{Op: "write", Path: name, Err: err}
	}
	return nil
}

// mkdirAll is os.MkdirAll with the folders' usual permissions.
func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }
