// C wrappers for libvips calls Swift cannot make directly (varargs, macros).
// Internal to Pincel: only Sources/Pincel/Imaging uses these.
// Every function returning int returns 0 on success and -1 on failure (the
// reason is then in the vips error buffer); output images are new references
// the caller must g_object_unref.
#ifndef PINCEL_VIPS_H
#define PINCEL_VIPS_H
#include <vips/vips.h>

/// Initialises libvips once (thread-safe) and blocks untrusted loaders. Returns 0 on success.
/// GLib/libvips warnings are kept from stderr (PINCEL_VIPS_WARNINGS=1 shows them).
int pincel_vips_init(void);

/// Copies the last GLib/libvips warning into buffer (NUL-terminated) and forgets it; returns
/// its length (0: none). For failures that leave the libvips error buffer empty.
size_t pincel_take_last_warning(char *buffer, size_t size);

/// Opens a file lazily (header only) with fail_on=truncated. sequential != 0 asks for
/// sequential access, else random access. Returns NULL on failure.
VipsImage *pincel_open(const char *path, int sequential);

/// Nickname of the loader libvips would pick for this file ("pngload", ...), or NULL.
const char *pincel_find_loader_nickname(const char *path);

/// EXIF orientation of the image (1...8); 1 when absent or invalid.
int pincel_orientation(VipsImage *in);

/// 1 when the image carries an embedded ICC profile.
int pincel_has_icc(VipsImage *in);

int pincel_autorot(VipsImage *in, VipsImage **out);
/// ICC transform to the built-in sRGB profile, depth 8 (uchar) or 16 (ushort), perceptual
/// intent. Uses the embedded profile when present, else input_profile (NULL: libvips default).
int pincel_icc_to_srgb(VipsImage *in, VipsImage **out, const char *input_profile, int depth);
int pincel_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space);
int pincel_cast(VipsImage *in, VipsImage **out, VipsBandFormat format);
/// Flattens alpha onto white; max_alpha is 255 for 8-bit and 65535 for 16-bit images.
int pincel_flatten_white(VipsImage *in, VipsImage **out, double max_alpha);
int pincel_extract_bands(VipsImage *in, VipsImage **out, int first, int n);
/// Lanczos3 resize by independent horizontal and vertical scales.
int pincel_resize(VipsImage *in, VipsImage **out, double hscale, double vscale);

/// Copies the built-in sRGB ICC profile into a g_malloc'd buffer (g_free it).
int pincel_srgb_profile(void **data, size_t *length);

int pincel_pngsave(VipsImage *in, const char *path, int bitdepth);
int pincel_jpegsave(VipsImage *in, const char *path, int quality);
int pincel_webpsave(VipsImage *in, const char *path, int quality);
int pincel_tiffsave(VipsImage *in, const char *path);

/// Renders text (Pango markup escaped by the caller) as a one-band uchar mask 0...255.
int pincel_text(VipsImage **out, const char *text, int width, int dpi);
/// Joins n images in a grid `across` wide, `shim` pixels apart, on white, centred in cells.
int pincel_arrayjoin(VipsImage **in, VipsImage **out, int n, int across, int shim);
/// Places in at the centre of a width x height canvas filled with white.
int pincel_embed_white(VipsImage *in, VipsImage **out, int width, int height);
/// Places in with its top-left corner at (x, y) of a width x height canvas filled with white.
int pincel_embed_white_at(VipsImage *in, VipsImage **out, int x, int y, int width, int height);
/// Stacks top above bottom, centred horizontally, white background.
int pincel_join_vertical(VipsImage *top, VipsImage *bottom, VipsImage **out);
/// out = a * in + b, per band, float output.
int pincel_linear1(VipsImage *in, VipsImage **out, double a, double b);
/// Copy of in with a new interpretation (pixels untouched).
int pincel_set_interpretation(VipsImage *in, VipsImage **out, VipsInterpretation interpretation);
#endif
