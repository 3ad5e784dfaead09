/* sd-json.c — a small, strict JSON reader */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-json.h"

struct _SdJsonNode {
  SdJsonType  type;
  guint       line;
  union {
    gboolean  boolean;
    double    number;
    struct {
      char   *str;
      gsize   len;
    } string;
    struct {
      SdJsonNode **items;
      char       **names;   /* objects only */
      guint        len;
    } list;
  } v;
};

typedef struct {
  const char *p;
  const char *end;
  const char *line_start;
  guint       line;
  const char *source;
  GError    **error;
} Parser;

static SdJsonNode *parse_value (Parser *ps, guint depth);

G_GNUC_PRINTF (2, 3) static void
fail (Parser     *ps,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *reason = NULL;
  glong column;

  if (ps->error == NULL || *ps->error != NULL)
    return;
  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  /* Columns count characters, as editors show them, not bytes. */
  column = 1 + (g_utf8_validate (ps->line_start, ps->p - ps->line_start, NULL)
                ? g_utf8_strlen (ps->line_start, ps->p - ps->line_start)
                : ps->p - ps->line_start);
  g_set_error (ps->error, SD_ERROR, SD_ERROR_INVALID_INPUT, "%s:%u:%ld: %s",
               ps->source ? ps->source : "input", ps->line, column, reason);
}

static void
skip_space (Parser *ps)
{
  while (ps->p < ps->end)
    {
      char c = *ps->p;
      if (c == '\n')
        {
          ps->p++;
          ps->line++;
          ps->line_start = ps->p;
        }
      else if (c == ' ' || c == '\t' || c == '\r')
        ps->p++;
      else
        break;
    }
}

static SdJsonNode *
node_new (SdJsonType type,
          guint      line)
{
  SdJsonNode *node = g_new0 (SdJsonNode, 1);
  node->type = type;
  node->line = line;
  return node;
}

void
sd_json_node_free (SdJsonNode *node)
{
  if (node == NULL)
    return;
  if (node->type == SD_JSON_STRING)
    g_free (node->v.string.str);
  else if (node->type == SD_JSON_ARRAY || node->type == SD_JSON_OBJECT)
    {
      for (guint i = 0; i < node->v.list.len; i++)
        {
          sd_json_node_free (node->v.list.items[i]);
          if (node->v.list.names)
            g_free (node->v.list.names[i]);
        }
      g_free (node->v.list.items);
      g_free (node->v.list.names);
    }
  g_free (node);
}

static int
hex4 (const char *p)
{
  int v = 0;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* Reads a string starting at the opening quote into @out. */
static gboolean
parse_string (Parser  *ps,
              GString *out)
{
  ps->p++;   /* the quote */
  while (TRUE)
    {
      const char *run = ps->p;
      while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' && (guchar) *ps->p >= 0x20)
        ps->p++;
      if (ps->p > run)
        {
          const char *bad;
          if (!g_utf8_validate (run, ps->p - run, &bad))
            {
              ps->p = bad;
              fail (ps, _("invalid UTF-8 in a string"));
              return FALSE;
            }
          g_string_append_len (out, run, ps->p - run);
        }
      if (ps->p >= ps->end)
        {
          fail (ps, _("unterminated string"));
          return FALSE;
        }
      if (*ps->p == '"')
        {
          ps->p++;
          return TRUE;
        }
      if ((guchar) *ps->p < 0x20)
        {
          fail (ps, _("control character U+%04X in a string (write it as an escape)"), (guchar) *ps->p);
          return FALSE;
        }
      /* A backslash. */
      if (ps->p + 1 >= ps->end)
        {
          fail (ps, _("unterminated string"));
          return FALSE;
        }
      switch (ps->p[1])
        {
        case '"': g_string_append_c (out, '"'); ps->p += 2; break;
        case '\\': g_string_append_c (out, '\\'); ps->p += 2; break;
        case '/': g_string_append_c (out, '/'); ps->p += 2; break;
        case 'b': g_string_append_c (out, '\b'); ps->p += 2; break;
        case 'f': g_string_append_c (out, '\f'); ps->p += 2; break;
        case 'n': g_string_append_c (out, '\n'); ps->p += 2; break;
        case 'r': g_string_append_c (out, '\r'); ps->p += 2; break;
        case 't': g_string_append_c (out, '\t'); ps->p += 2; break;
        case 'u':
          {
            int cp;
            if (ps->end - ps->p < 6 || (cp = hex4 (ps->p + 2)) < 0)
              {
                fail (ps, _("\\u must be followed by four hexadecimal digits"));
                return FALSE;
              }
            if (cp >= 0xDC00 && cp <= 0xDFFF)
              {
                fail (ps, _("lone low surrogate \\u%04X"), cp);
                return FALSE;
              }
            if (cp >= 0xD800 && cp <= 0xDBFF)
              {
                int lo;
                if (ps->end - ps->p < 12 || ps->p[6] != '\\' || ps->p[7] != 'u' ||
                    (lo = hex4 (ps->p + 8)) < 0 || lo < 0xDC00 || lo > 0xDFFF)
                  {
                    fail (ps, _("high surrogate \\u%04X not followed by a low surrogate"), cp);
                    return FALSE;
                  }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                ps->p += 6;
              }
            g_string_append_unichar (out, cp);
            ps->p += 6;
            break;
          }
        default:
          ps->p++;
          fail (ps, _("unknown escape “\\%c” in a string"), g_ascii_isprint (*ps->p) ? *ps->p : '?');
          return FALSE;
        }
    }
}

static SdJsonNode *
parse_number (Parser *ps)
{
  const char *start = ps->p;
  const char *q = ps->p;
  char buf[64];
  g_autofree char *heap = NULL;
  char *text = buf;
  SdJsonNode *node;

  if (q < ps->end && *q == '-')
    q++;
  if (q < ps->end && *q == '0')
    q++;
  else if (q < ps->end && *q >= '1' && *q <= '9')
    while (q < ps->end && g_ascii_isdigit (*q))
      q++;
  else
    {
      ps->p = q;
      fail (ps, _("a digit was expected"));
      return NULL;
    }
  if (q < ps->end && *q == '.')
    {
      q++;
      if (q >= ps->end || !g_ascii_isdigit (*q))
        {
          ps->p = q;
          fail (ps, _("a digit was expected after the decimal point"));
          return NULL;
        }
      while (q < ps->end && g_ascii_isdigit (*q))
        q++;
    }
  if (q < ps->end && (*q == 'e' || *q == 'E'))
    {
      q++;
      if (q < ps->end && (*q == '+' || *q == '-'))
        q++;
      if (q >= ps->end || !g_ascii_isdigit (*q))
        {
          ps->p = q;
          fail (ps, _("a digit was expected in the exponent"));
          return NULL;
        }
      while (q < ps->end && g_ascii_isdigit (*q))
        q++;
    }

  /* The input need not be NUL-terminated, so convert from a copy. */
  if ((gsize) (q - start) >= sizeof buf)
    text = heap = g_malloc (q - start + 1);
  memcpy (text, start, q - start);
  text[q - start] = '\0';
  node = node_new (SD_JSON_NUMBER, ps->line);
  node->v.number = g_ascii_strtod (text, NULL);
  ps->p = q;
  return node;
}

static gboolean
match_word (Parser     *ps,
            const char *word)
{
  gsize n = strlen (word);
  if ((gsize) (ps->end - ps->p) >= n && memcmp (ps->p, word, n) == 0 &&
      (ps->p + n == ps->end || !g_ascii_isalnum (ps->p[n])))
    {
      ps->p += n;
      return TRUE;
    }
  return FALSE;
}

static SdJsonNode *
parse_list (Parser  *ps,
            gboolean object,
            guint    depth)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_json_node_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  char close = object ? '}' : ']';
  SdJsonNode *node = node_new (object ? SD_JSON_OBJECT : SD_JSON_ARRAY, ps->line);

  if (depth >= SD_JSON_MAX_DEPTH)
    {
      fail (ps, _("nesting deeper than %d levels"), SD_JSON_MAX_DEPTH);
      goto error;
    }
  ps->p++;
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == close)
    {
      ps->p++;
      return node;
    }

  while (TRUE)
    {
      SdJsonNode *value;

      skip_space (ps);
      if (object)
        {
          GString *name;
          if (ps->p >= ps->end || *ps->p != '"')
            {
              fail (ps, ps->p >= ps->end ? _("unexpected end of input in an object")
                                         : _("a member name in double quotes was expected"));
              goto error;
            }
          name = g_string_new (NULL);
          if (!parse_string (ps, name))
            {
              g_string_free (name, TRUE);
              goto error;
            }
          g_ptr_array_add (names, g_string_free (name, FALSE));
          skip_space (ps);
          if (ps->p >= ps->end || *ps->p != ':')
            {
              fail (ps, _("“:” was expected after the member name"));
              goto error;
            }
          ps->p++;
        }
      if (!(value = parse_value (ps, depth + 1)))
        goto error;
      g_ptr_array_add (items, value);
      skip_space (ps);
      if (ps->p < ps->end && *ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (ps->p < ps->end && *ps->p == close)
        {
          ps->p++;
          break;
        }
      if (ps->p >= ps->end)
        fail (ps, "%s", object ? _("unexpected end of input in an object")
                               : _("unexpected end of input in an array"));
      else
        fail (ps, _("“,” or “%c” was expected"), close);
      goto error;
    }

  node->v.list.len = items->len;
  node->v.list.items = (SdJsonNode **) g_ptr_array_steal (items, NULL);
  if (object)
    node->v.list.names = (char **) g_ptr_array_steal (names, NULL);
  return node;

error:
  sd_json_node_free (node);
  return NULL;
}

static SdJsonNode *
parse_value (Parser *ps,
             guint   depth)
{
  SdJsonNode *node;

  skip_space (ps);
  if (ps->p >= ps->end)
    {
      fail (ps, _("unexpected end of input, a value was expected"));
      return NULL;
    }
  switch (*ps->p)
    {
    case '{':
      return parse_list (ps, TRUE, depth);
    case '[':
      return parse_list (ps, FALSE, depth);
    case '"':
      {
        GString *s = g_string_new (NULL);
        guint line = ps->line;
        if (!parse_string (ps, s))
          {
            g_string_free (s, TRUE);
            return NULL;
          }
        node = node_new (SD_JSON_STRING, line);
        node->v.string.len = s->len;
        node->v.string.str = g_string_free (s, FALSE);
        return node;
      }
    case 't':
    case 'f':
    case 'n':
      if (match_word (ps, "true") || match_word (ps, "false"))
        {
          node = node_new (SD_JSON_BOOL, ps->line);
          node->v.boolean = ps->p[-4] == 't';
          return node;
        }
      if (match_word (ps, "null"))
        return node_new (SD_JSON_NULL, ps->line);
      break;
    default:
      if (*ps->p == '-' || g_ascii_isdigit (*ps->p))
        return parse_number (ps);
      break;
    }
  if (g_ascii_isprint (*ps->p))
    fail (ps, _("unexpected “%c”, a value was expected"), *ps->p);
  else
    fail (ps, _("unexpected byte 0x%02X, a value was expected"), (guchar) *ps->p);
  return NULL;
}

static void
parser_init (Parser      *ps,
             const char  *text,
             gssize       length,
             const char  *source,
             GError     **error)
{
  if (length < 0)
    length = strlen (text);
  ps->p = text;
  ps->end = text + length;
  ps->line_start = text;
  ps->line = 1;
  ps->source = source;
  ps->error = error;
  /* A UTF-8 byte order mark is tolerated, as many Windows tools write one. */
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    ps->p += 3;
}

SdJsonNode *
sd_json_parse (const char  *text,
               gssize       length,
               const char  *source,
               GError     **error)
{
  Parser ps;
  SdJsonNode *node;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser_init (&ps, text ? text : "", length, source, error);
  if (!(node = parse_value (&ps, 0)))
    return NULL;
  skip_space (&ps);
  if (ps.p < ps.end)
    {
      fail (&ps, "unexpected text after the end of the value");
      sd_json_node_free (node);
      return NULL;
    }
  return node;
}

SdJsonNode *
sd_json_parse_lines (const char  *text,
                     gssize       length,
                     const char  *source,
                     GError     **error)
{
  Parser ps;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_json_node_free);
  SdJsonNode *array;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser_init (&ps, text ? text : "", length, source, error);
  while (TRUE)
    {
      SdJsonNode *node;

      skip_space (&ps);
      if (ps.p >= ps.end)
        break;
      if (!(node = parse_value (&ps, 0)))
        return NULL;
      g_ptr_array_add (items, node);
      /* The rest of the line may hold only blanks. */
      while (ps.p < ps.end && (*ps.p == ' ' || *ps.p == '\t' || *ps.p == '\r'))
        ps.p++;
      if (ps.p < ps.end && *ps.p != '\n')
        {
          fail (&ps, "unexpected text after the value (JSON lines hold one value per line)");
          return NULL;
        }
    }

  array = node_new (SD_JSON_ARRAY, 1);
  array->v.list.len = items->len;
  array->v.list.items = (SdJsonNode **) g_ptr_array_steal (items, NULL);
  return array;
}

SdJsonType
sd_json_node_get_node_type (const SdJsonNode *node)
{
  return node ? node->type : SD_JSON_NULL;
}

guint
sd_json_node_get_line (const SdJsonNode *node)
{
  return node ? node->line : 0;
}

gboolean
sd_json_node_get_boolean (const SdJsonNode *node)
{
  return node && node->type == SD_JSON_BOOL && node->v.boolean;
}

double
sd_json_node_get_number (const SdJsonNode *node)
{
  return node && node->type == SD_JSON_NUMBER ? node->v.number : 0.0;
}

const char *
sd_json_node_get_string (const SdJsonNode *node)
{
  return node && node->type == SD_JSON_STRING ? node->v.string.str : NULL;
}

gsize
sd_json_node_get_string_length (const SdJsonNode *node)
{
  return node && node->type == SD_JSON_STRING ? node->v.string.len : 0;
}

guint
sd_json_node_get_length (const SdJsonNode *node)
{
  if (node && (node->type == SD_JSON_ARRAY || node->type == SD_JSON_OBJECT))
    return node->v.list.len;
  return 0;
}

SdJsonNode *
sd_json_node_get_element (const SdJsonNode *node,
                          guint             index)
{
  if (index >= sd_json_node_get_length (node))
    return NULL;
  return node->v.list.items[index];
}

const char *
sd_json_node_get_member_name (const SdJsonNode *node,
                              guint             index)
{
  if (node == NULL || node->type != SD_JSON_OBJECT || index >= node->v.list.len)
    return NULL;
  return node->v.list.names[index];
}

SdJsonNode *
sd_json_node_get_member (const SdJsonNode *node,
                         const char       *name)
{
  if (node == NULL || node->type != SD_JSON_OBJECT)
    return NULL;
  for (guint i = node->v.list.len; i-- > 0;)
    if (strcmp (node->v.list.names[i], name) == 0)
      return node->v.list.items[i];
  return NULL;
}

const char *
sd_json_node_get_member_string (const SdJsonNode *node,
                                const char       *name)
{
  return sd_json_node_get_string (sd_json_node_get_member (node, name));
}
