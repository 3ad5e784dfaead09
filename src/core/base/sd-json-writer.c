/* sd-json-writer.c — the one JSON writer: valid JSON under any locale */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sd-json.h"
#include "sd-json-writer.h"

struct _SdJsonWriter
{
  GString *out;
  /* One entry per open object or array: has it a value yet (so the next needs a comma)? */
  GArray  *has_value;
  gboolean after_key;
};

SdJsonWriter *
sd_json_writer_new (void)
{
  SdJsonWriter *self = g_new0 (SdJsonWriter, 1);

  self->out = g_string_new (NULL);
  self->has_value = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return self;
}

void
sd_json_writer_free (SdJsonWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->out, TRUE);
  g_array_unref (self->has_value);
  g_free (self);
}

char *
sd_json_writer_finish (SdJsonWriter *self)
{
  char *text;

  g_return_val_if_fail (self != NULL, NULL);
  g_warn_if_fail (self->has_value->len == 0);
  text = g_string_free (self->out, FALSE);
  self->out = NULL;
  g_array_unref (self->has_value);
  g_free (self);
  return text;
}

/* Before any value: the comma that separates it from the previous one. */
static void
begin_value (SdJsonWriter *self)
{
  if (self->after_key)
    {
      self->after_key = FALSE;
      return;
    }
  if (self->has_value->len > 0)
    {
      gboolean *has = &g_array_index (self->has_value, gboolean, self->has_value->len - 1);
      if (*has)
        g_string_append_c (self->out, ',');
      *has = TRUE;
    }
}

static void
open_container (SdJsonWriter *self,
                char          bracket)
{
  gboolean none = FALSE;

  begin_value (self);
  g_string_append_c (self->out, bracket);
  g_array_append_val (self->has_value, none);
}

static void
close_container (SdJsonWriter *self,
                 char          bracket)
{
  g_return_if_fail (self->has_value->len > 0);
  g_array_set_size (self->has_value, self->has_value->len - 1);
  g_string_append_c (self->out, bracket);
}

void
sd_json_writer_begin_object (SdJsonWriter *self)
{
  open_container (self, '{');
}

void
sd_json_writer_end_object (SdJsonWriter *self)
{
  close_container (self, '}');
}

void
sd_json_writer_begin_array (SdJsonWriter *self)
{
  open_container (self, '[');
}

void
sd_json_writer_end_array (SdJsonWriter *self)
{
  close_container (self, ']');
}

void
sd_json_append_string (GString    *out,
                       const char *value)
{
  g_autofree char *repaired = NULL;

  if (!g_utf8_validate (value, -1, NULL))
    value = repaired = g_utf8_make_valid (value, -1);
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      unsigned char c = (unsigned char) *p;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          /* U+2028 and U+2029 end a line in JavaScript: escaped, the output embeds anywhere. */
          else if (c == 0xe2 && (unsigned char) p[1] == 0x80 &&
                   ((unsigned char) p[2] == 0xa8 || (unsigned char) p[2] == 0xa9))
            {
              g_string_append_printf (out, "\\u%04x", (unsigned char) p[2] == 0xa8 ? 0x2028 : 0x2029);
              p += 2;
            }
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

void
sd_json_append_double (GString *out,
                       double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  if (value == 0)
    {
      g_string_append_c (out, '0');
      return;
    }
  /* %.15g is exact for most figures a person wrote (0.1, 33.3333333); %.17g always reads
   * back, so it is the fallback. g_ascii_formatd ignores the locale. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (out, buf);
}

void
sd_json_writer_key (SdJsonWriter *self,
                    const char   *key)
{
  g_return_if_fail (self->has_value->len > 0);
  begin_value (self);
  sd_json_append_string (self->out, key);
  g_string_append_c (self->out, ':');
  self->after_key = TRUE;
}

void
sd_json_writer_string (SdJsonWriter *self,
                       const char   *value)
{
  begin_value (self);
  if (value == NULL)
    g_string_append (self->out, "null");
  else
    sd_json_append_string (self->out, value);
}

void
sd_json_writer_int (SdJsonWriter *self,
                    gint64        value)
{
  begin_value (self);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
sd_json_writer_double (SdJsonWriter *self,
                       double        value)
{
  begin_value (self);
  sd_json_append_double (self->out, value);
}

void
sd_json_writer_float (SdJsonWriter *self,
                      float         value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  begin_value (self);
  if (!isfinite (value))
    {
      g_string_append (self->out, "null");
      return;
    }
  g_ascii_formatd (buf, sizeof buf, "%.7g", value);
  if ((float) g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.9g", value);
  g_string_append (self->out, buf);
}

void
sd_json_writer_fixed (SdJsonWriter *self,
                      double        value,
                      int           decimals)
{
  char format[8], buf[G_ASCII_DTOSTR_BUF_SIZE + 32];

  begin_value (self);
  if (!isfinite (value) || fabs (value) >= 1e17)
    {
      sd_json_append_double (self->out, value);
      return;
    }
  g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 17));
  g_ascii_formatd (buf, sizeof buf, format, value);
  /* "-0.0000" is valid JSON but reads oddly beside zeros. */
  if (buf[0] == '-' && strspn (buf + 1, "0.") == strlen (buf + 1))
    memmove (buf, buf + 1, strlen (buf));
  g_string_append (self->out, buf);
}

void
sd_json_writer_bool (SdJsonWriter *self,
                     gboolean      value)
{
  begin_value (self);
  g_string_append (self->out, value ? "true" : "false");
}

void
sd_json_writer_null (SdJsonWriter *self)
{
  begin_value (self);
  g_string_append (self->out, "null");
}

void
sd_json_writer_raw (SdJsonWriter *self,
                    const char   *json)
{
  g_autoptr(SdJsonNode) node = NULL;

  begin_value (self);
  if (json && *json && (node = sd_json_parse (json, -1, "value", NULL)))
    {
      gsize len;

      while (g_ascii_isspace (*json))
        json++;
      len = strlen (json);
      while (len > 0 && g_ascii_isspace (json[len - 1]))
        len--;
      g_string_append_len (self->out, json, len);
    }
  else
    g_string_append (self->out, "null");
}

void
sd_json_writer_member_string (SdJsonWriter *self, const char *key, const char *value)
{
  sd_json_writer_key (self, key);
  sd_json_writer_string (self, value);
}

void
sd_json_writer_member_int (SdJsonWriter *self, const char *key, gint64 value)
{
  sd_json_writer_key (self, key);
  sd_json_writer_int (self, value);
}

void
sd_json_writer_member_double (SdJsonWriter *self, const char *key, double value)
{
  sd_json_writer_key (self, key);
  sd_json_writer_double (self, value);
}

void
sd_json_writer_member_float (SdJsonWriter *self, const char *key, float value)
{
  sd_json_writer_key (self, key);
  sd_json_writer_float (self, value);
}

void
sd_json_writer_member_fixed (SdJsonWriter *self, const char *key, double value, int decimals)
{
  sd_json_writer_key (self, key);
  sd_json_writer_fixed (self, value, decimals);
}

void
sd_json_writer_member_bool (SdJsonWriter *self, const char *key, gboolean value)
{
  sd_json_writer_key (self, key);
  sd_json_writer_bool (self, value);
}
