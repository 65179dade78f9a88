// zlib (Debian: zlib1g-dev): gzip-compressed IDX files and PNG's deflate streams.
#include <zlib.h>
