#ifndef FEEDWATCH_CZLIB_SHIM_H
#define FEEDWATCH_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit is a macro (deflateInit_ with the header's version and
// sizeof(z_stream)), which Swift does not import.
static inline int feedwatch_deflate_init(z_streamp stream, int level) {
    return deflateInit(stream, level);
}

#endif
