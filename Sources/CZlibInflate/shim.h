// zlib, for inflating deflated entries of zip-format torch.save files (Sources/Pincel/Weights/ZipInflate.swift).
#include <zlib.h>
