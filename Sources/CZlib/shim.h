#ifndef FEEDWATCH_CZLIB_SHIM_H
#define FEEDWATCH_CZLIB_SHIM_H

// compressBound, compress2 and uncompress import into Swift directly: the
// store's field texts are deflated and inflated whole (ContentText), so
// zlib's streaming API and its inflateInit/deflateInit macros are not used.
#include <zlib.h>

#endif
