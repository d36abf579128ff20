#ifndef STEPLINE_CLMDB_SHIM_H
#define STEPLINE_CLMDB_SHIM_H
// Exposes Debian's liblmdb-dev (`lmdb.h`) to Swift. Only the LMDB module imports
// this; everything lmdb.h declares is callable from Swift as is, so the shim
// adapts nothing.
#include <lmdb.h>
#endif
