/* sd-intent-data.c — labelled texts for intent (or any text) classification */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <gio/gio.h>

#include "sd-csv.h"
#include "sd-error.h"
#include "sd-intent-data.h"
#include "sd-json.h"
#include "sd-random.h"

static const char * const default_labels[] = { "category", "label", "intent", "domain" };

SdIntentData *
sd_intent_data_new (void)
{
  SdIntentData *data = g_new0 (SdIntentData, 1);
  data->texts = g_ptr_array_new_with_free_func (g_free);
  data->labels = g_ptr_array_new_with_free_func (g_free);
  data->lines = g_array_new (FALSE, TRUE, sizeof (guint));
  data->groups = g_ptr_array_new_with_free_func (g_free);
  return data;
}

void
sd_intent_data_free (SdIntentData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->texts);
  g_ptr_array_unref (data->labels);
  g_array_unref (data->lines);
  g_ptr_array_unref (data->groups);
  g_free (data);
}

static void
add_at_line (SdIntentData *data,
             const char   *text,
             const char   *label,
             guint         line,
             const char   *group)
{
  g_ptr_array_add (data->texts, g_strdup (text));
  g_ptr_array_add (data->labels, g_strdup (label));
  g_array_append_val (data->lines, line);
  g_ptr_array_add (data->groups, g_strdup (group));
}

void
sd_intent_data_add_grouped (SdIntentData *data,
                            const char   *text,
                            const char   *label,
                            const char   *group)
{
  g_return_if_fail (data != NULL && text != NULL && label != NULL);
  add_at_line (data, text, label, 0, group);
}

void
sd_intent_data_add (SdIntentData *data,
                    const char   *text,
                    const char   *label)
{
  g_return_if_fail (data != NULL && text != NULL && label != NULL);
  add_at_line (data, text, label, 0, NULL);
}

guint
sd_intent_data_get_size (const SdIntentData *data)
{
  return data ? data->texts->len : 0;
}

GPtrArray *
sd_intent_data_get_label_names (const SdIntentData *data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < data->labels->len; i++)
    {
      const char *label = data->labels->pdata[i];
      if (g_hash_table_add (seen, (gpointer) label))
        g_ptr_array_add (names, g_strdup (label));
    }
  return names;
}

/* ---- CSV ---------------------------------------------------------------------------- */

static int
find_column (GPtrArray  *header,
             const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_ascii_strcasecmp (g_strstrip ((char *) header->pdata[i]), name) == 0)
      return i;
  return -1;
}

static gboolean
pick_columns (GPtrArray   *names,
              const char  *source,
              const char  *text_column,
              const char  *label_column,
              int         *text_index,
              int         *label_index,
              GError     **error)
{
  if (text_column)
    *text_index = find_column (names, text_column);
  else if ((*text_index = find_column (names, "text")) < 0 && names->len > 0)
    *text_index = 0;
  if (*text_index < 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("%s: no text column “%s” (choose one with --text-column)"),
                   source, text_column ? text_column : "text");
      return FALSE;
    }

  *label_index = -1;
  if (label_column)
    *label_index = find_column (names, label_column);
  else
    {
      for (guint k = 0; k < G_N_ELEMENTS (default_labels) && *label_index < 0; k++)
        *label_index = find_column (names, default_labels[k]);
      for (guint i = 0; i < names->len && *label_index < 0; i++)
        if ((int) i != *text_index)
          *label_index = i;
    }
  if (*label_index < 0 || *label_index == *text_index)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("%s: no label column%s%s%s (choose one with --label-column)"), source,
                   label_column ? " “" : "", label_column ? label_column : "",
                   label_column ? "”" : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_example (const char  *source,
               guint        line,
               const char  *text,
               const char  *label,
               GError     **error)
{
  const char *reason = NULL;

  if (!g_utf8_validate (text, -1, NULL) || !g_utf8_validate (label, -1, NULL))
    reason = _("the text is not valid UTF-8 (convert the file to UTF-8)");
  else if (*label == '\0')
    reason = _("the label is empty");
  if (reason)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, "%s:%u: %s", source, line, reason);
      return FALSE;
    }
  return TRUE;
}

/* The fields of the reader's current record, copied. */
static GPtrArray *
record_fields (SdCsvReader *csv)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < sd_csv_reader_get_n_fields (csv); i++)
    {
      gsize length;
      const char *field = sd_csv_reader_get_field (csv, i, &length);
      g_ptr_array_add (fields, g_strndup (field, length));
    }
  return fields;
}

/* The record is read, but not as it should be: why not, or NULL when it is fine. */
static const char *
record_problem (SdCsvReader *csv)
{
  switch (sd_csv_reader_get_status (csv))
    {
    case SD_CSV_RECORD_UNCLOSED_QUOTE:
      return _("a quoted field is not closed before the end of the file");
    case SD_CSV_RECORD_STRAY_QUOTE:
      return _("text after the closing quote of a field (write a quote inside a quoted field as \"\")");
    case SD_CSV_RECORD_FIELD_TOO_LARGE:
      return _("a field is too large (over 1 MiB)");
    case SD_CSV_RECORD_OK:
    default:
      break;
    }
  /* The reader would take such text as Windows-1252; training data must say what it is. */
  if (sd_csv_reader_get_reencoded (csv))
    return _("the text is not valid UTF-8 (convert the file to UTF-8)");
  return NULL;
}

static SdIntentData *
parse_csv (const char  *contents,
           gsize        length,
           const char  *source,
           const char  *text_column,
           const char  *label_column,
           GError     **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (contents, length, NULL);
  g_autoptr(SdCsvReader) csv = sd_csv_reader_new_for_stream (stream, source, length);
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(SdIntentData) data = sd_intent_data_new ();
  g_autoptr(GError) local = NULL;
  guint n_columns;
  int text_index, label_index;
  const char *problem;

  if (!sd_csv_reader_next (csv, &local))
    {
      if (local)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("%s: the file is empty"), source);
      return NULL;
    }
  if ((problem = record_problem (csv)))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, "%s:%u: %s", source,
                   (guint) sd_csv_reader_get_line (csv), problem);
      return NULL;
    }
  header = record_fields (csv);
  n_columns = header->len;
  if (!pick_columns (header, source, text_column, label_column, &text_index, &label_index, error))
    return NULL;

  while (sd_csv_reader_next (csv, &local))
    {
      guint line = (guint) sd_csv_reader_get_line (csv);
      g_autofree char *text = NULL;
      g_autofree char *label = NULL;

      if ((problem = record_problem (csv)))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, "%s:%u: %s", source, line, problem);
          return NULL;
        }
      if (sd_csv_reader_get_n_fields (csv) != n_columns)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("%s:%u: %u fields where the header has %u (quote fields that contain commas)"),
                       source, line, sd_csv_reader_get_n_fields (csv), n_columns);
          return NULL;
        }
      text = g_strdup (sd_csv_reader_get_field (csv, text_index, NULL));
      label = g_strstrip (g_strdup (sd_csv_reader_get_field (csv, label_index, NULL)));
      if (!check_example (source, line, text, label, error))
        return NULL;
      add_at_line (data, text, label, line, NULL);
    }
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&data);
}

/* ---- JSON --------------------------------------------------------------------------- */

static char *
scalar_to_string (SdJsonNode *node)
{
  switch (sd_json_node_get_node_type (node))
    {
    case SD_JSON_STRING:
      return g_strdup (sd_json_node_get_string (node));
    case SD_JSON_NUMBER:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buf, sizeof buf, sd_json_node_get_number (node)));
      }
    case SD_JSON_BOOL:
      return g_strdup (sd_json_node_get_boolean (node) ? "true" : "false");
    default:
      return NULL;
    }
}

static SdIntentData *
parse_json (const char  *contents,
            gsize        length,
            gboolean     lines,
            const char  *source,
            const char  *text_column,
            const char  *label_column,
            GError     **error)
{
  g_autoptr(SdJsonNode) root = NULL;
  g_autoptr(SdIntentData) data = sd_intent_data_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  SdJsonNode *first;
  const char *text_name, *label_name;
  int text_index, label_index;

  root = lines ? sd_json_parse_lines (contents, length, source, error)
               : sd_json_parse (contents, length, source, error);
  if (root == NULL)
    return NULL;
  if (sd_json_node_get_node_type (root) != SD_JSON_ARRAY)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("%s: expected an array of objects, one per example"), source);
      return NULL;
    }
  if (sd_json_node_get_length (root) == 0)
    return g_steal_pointer (&data);

  first = sd_json_node_get_element (root, 0);
  if (sd_json_node_get_node_type (first) != SD_JSON_OBJECT)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("%s:%u: expected an object with the text and its label"),
                   source, sd_json_node_get_line (first));
      return NULL;
    }
  /* Columns are named by the members of the first object. */
  for (guint i = 0; i < sd_json_node_get_length (first); i++)
    g_ptr_array_add (names, (gpointer) sd_json_node_get_member_name (first, i));
  {
    /* find_column strips in place; member names are ours to keep intact, so copy. */
    g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < names->len; i++)
      g_ptr_array_add (copy, g_strdup (names->pdata[i]));
    if (!pick_columns (copy, source, text_column, label_column, &text_index, &label_index, error))
      return NULL;
  }
  text_name = names->pdata[text_index];
  label_name = names->pdata[label_index];

  for (guint i = 0; i < sd_json_node_get_length (root); i++)
    {
      SdJsonNode *item = sd_json_node_get_element (root, i);
      guint line = sd_json_node_get_line (item);
      const char *text;
      g_autofree char *label = NULL;

      if (sd_json_node_get_node_type (item) != SD_JSON_OBJECT)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("%s:%u: expected an object with the text and its label"), source, line);
          return NULL;
        }
      text = sd_json_node_get_member_string (item, text_name);
      label = scalar_to_string (sd_json_node_get_member (item, label_name));
      if (text == NULL || label == NULL)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("%s:%u: the member “%s” is missing or not a %s"), source, line,
                       text == NULL ? text_name : label_name,
                       text == NULL ? _("string") : _("string or number"));
          return NULL;
        }
      if (!check_example (source, line, text, g_strstrip (label), error))
        return NULL;
      add_at_line (data, text, label, line, NULL);
    }
  return g_steal_pointer (&data);
}

SdIntentData *
sd_intent_data_parse (const char  *contents,
                      gsize        length,
                      const char  *source,
                      const char  *text_column,
                      const char  *label_column,
                      GError     **error)
{
  const char *p = contents;
  const char *end = contents + length;

  if (source == NULL)
    source = "input";
  if (length >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p < end && *p == '[')
    return parse_json (contents, length, FALSE, source, text_column, label_column, error);
  if (p < end && *p == '{')
    return parse_json (contents, length, TRUE, source, text_column, label_column, error);
  return parse_csv (contents, length, source, text_column, label_column, error);
}

SdIntentData *
sd_intent_data_load (const char  *path,
                     const char  *text_column,
                     const char  *label_column,
                     GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return sd_intent_data_parse (contents, length, path, text_column, label_column, error);
}

/* ---- splitting ---------------------------------------------------------------------- */

void
sd_intent_data_split (const SdIntentData  *data,
                      double               fraction,
                      guint64              seed,
                      SdIntentData       **kept,
                      SdIntentData       **held_out)
{
  g_autoptr(GHashTable) by_label = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) names = sd_intent_data_get_label_names (data);
  g_autofree gboolean *out = g_new0 (gboolean, data->texts->len);
  guint64 state = seed;

  /* The units dealt out are groups: an example without one is a group of its own,
   * named by its first example's index. */
  g_autoptr(GHashTable) unit_of_group = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *unit = g_new (guint, MAX (data->texts->len, 1));
  for (guint i = 0; i < data->labels->len; i++)
    {
      const char *group = data->groups->pdata[i];
      gpointer first;
      if (group && g_hash_table_lookup_extended (unit_of_group, group, NULL, &first))
        {
          unit[i] = GPOINTER_TO_UINT (first);
          continue;
        }
      unit[i] = i;
      if (group)
        g_hash_table_insert (unit_of_group, (gpointer) group, GUINT_TO_POINTER (i));
      GArray *members = g_hash_table_lookup (by_label, data->labels->pdata[i]);
      if (members == NULL)
        {
          members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_label, data->labels->pdata[i], members);
        }
      g_array_append_val (members, i);
    }

  /* Labels in order of appearance, so the split depends only on the data and seed. */
  for (guint k = 0; k < names->len; k++)
    {
      GArray *members = g_hash_table_lookup (by_label, names->pdata[k]);
      guint n = members->len;
      guint take = (guint) (n * fraction + 0.5);

      if (take == 0 && n >= 2 && fraction > 0)
        take = 1;
      if (take >= n && n > 0)
        take = n - 1;
      sd_splitmix64_shuffle (&state, (guint *) members->data, n);
      for (guint i = 0; i < take; i++)
        out[g_array_index (members, guint, i)] = TRUE;
    }

  *kept = sd_intent_data_new ();
  *held_out = sd_intent_data_new ();
  for (guint i = 0; i < data->texts->len; i++)
    add_at_line (out[unit[i]] ? *held_out : *kept, data->texts->pdata[i], data->labels->pdata[i],
                 g_array_index (data->lines, guint, i), data->groups->pdata[i]);
}
