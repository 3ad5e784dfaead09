/* sd-json-writer.h — the one JSON writer: valid JSON under any locale */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Builds JSON text value by value; commas and escaping are its business. Numbers never go
 * through the locale (a German user's 0,5 would not be JSON), NaN and infinities are written
 * as null, and text that is not UTF-8 is repaired (U+FFFD), so the result always parses.
 * Every --json output, trace, coupon rule and stored run summary is written with it. */
typedef struct _SdJsonWriter SdJsonWriter;

SdJsonWriter *sd_json_writer_new          (void);
void          sd_json_writer_free         (SdJsonWriter *self);
/* The text written so far, and the writer freed. */
char         *sd_json_writer_finish       (SdJsonWriter *self);

void          sd_json_writer_begin_object (SdJsonWriter *self);
void          sd_json_writer_end_object   (SdJsonWriter *self);
void          sd_json_writer_begin_array  (SdJsonWriter *self);
void          sd_json_writer_end_array    (SdJsonWriter *self);
/* In an object, the key of the value written next. */
void          sd_json_writer_key          (SdJsonWriter *self,
                                           const char   *key);

/* NULL is written as null. */
void          sd_json_writer_string       (SdJsonWriter *self,
                                           const char   *value);
void          sd_json_writer_int          (SdJsonWriter *self,
                                           gint64        value);
/* The shortest form that reads back as the same double. */
void          sd_json_writer_double       (SdJsonWriter *self,
                                           double        value);
/* The shortest form that reads back as the same float (0.1f is 0.1, not 0.100000001). */
void          sd_json_writer_float        (SdJsonWriter *self,
                                           float         value);
/* Rounded to @decimals places (trailing zeros kept, as in 0.9570), for figures a person
 * reads: confidences, timings. */
void          sd_json_writer_fixed        (SdJsonWriter *self,
                                           double        value,
                                           int           decimals);
void          sd_json_writer_bool         (SdJsonWriter *self,
                                           gboolean      value);
void          sd_json_writer_null         (SdJsonWriter *self);
/* A value that is already JSON (a stored parameter object, say); invalid or empty text is
 * written as null rather than breaking the document. */
void          sd_json_writer_raw          (SdJsonWriter *self,
                                           const char   *json);

/* Shorthands for a key and its value. */
void          sd_json_writer_member_string (SdJsonWriter *self, const char *key, const char *value);
void          sd_json_writer_member_int    (SdJsonWriter *self, const char *key, gint64 value);
void          sd_json_writer_member_double (SdJsonWriter *self, const char *key, double value);
void          sd_json_writer_member_float  (SdJsonWriter *self, const char *key, float value);
void          sd_json_writer_member_fixed  (SdJsonWriter *self, const char *key, double value, int decimals);
void          sd_json_writer_member_bool   (SdJsonWriter *self, const char *key, gboolean value);

/* @value as a JSON string literal with its quotes, appended to @out. */
void          sd_json_append_string       (GString      *out,
                                           const char   *value);
/* @value as the shortest JSON number that reads back as it (null when not finite). */
void          sd_json_append_double       (GString      *out,
                                           double        value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdJsonWriter, sd_json_writer_free)

G_END_DECLS
