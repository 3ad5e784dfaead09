/* sd-chat-corpus.c — the chatbot's examples and templates, built in and in SQLite */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-chat-corpus.h"
#include "sd-csv.h"
#include "sd-core-resources.h"
#include "sd-error.h"

#define CORPUS_PATH "/io/github/shopdesk/Shopdesk/core/chat/"

static const char *const source_names[] = { "builtin", "staff", "correction" };

const char *
sd_chat_source_to_string (SdChatSource source)
{
  g_return_val_if_fail (source <= SD_CHAT_SOURCE_CORRECTION, NULL);
  return source_names[source];
}

static SdChatSource
source_from_string (const char *str)
{
  for (guint i = 0; i < G_N_ELEMENTS (source_names); i++)
    if (g_strcmp0 (str, source_names[i]) == 0)
      return i;
  return SD_CHAT_SOURCE_STAFF;
}

void
sd_chat_example_free (SdChatExample *example)
{
  if (example == NULL)
    return;
  g_free (example->intent);
  g_free (example->lang);
  g_free (example->text);
  g_free (example->group);
  g_free (example);
}

static SdChatExample *
example_new (const char *intent, const char *lang, const char *text, SdChatSource source)
{
  SdChatExample *e = g_new0 (SdChatExample, 1);
  e->intent = g_strdup (intent);
  e->lang = g_strdup (lang);
  e->text = g_strdup (text);
  e->source = source;
  return e;
}

/* The resource is looked up on the generated GResource itself rather than through the
 * global registry: in a static library the registering constructor may be dropped by
 * the linker when nothing refers to its object file. */
static GBytes *
lookup_resource (const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (CORPUS_PATH, name, NULL);
  return g_resource_lookup_data (sd_core_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* Every non-empty, non-comment line's fields to @func; the last @n_optional of the
 * @n_fields may be missing (they are then NULL). */
static gboolean
read_tsv (const char     *name,
          guint           n_fields,
          guint           n_optional,
          SdChatTsvFunc   func,
          gpointer        data,
          GError        **error)
{
  g_autoptr(GBytes) bytes = lookup_resource (name, error);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(SdCsvReader) reader = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(GError) local = NULL;

  if (bytes == NULL)
    return FALSE;
  stream = g_memory_input_stream_new_from_bytes (bytes);
  reader = sd_csv_reader_new_for_stream (stream, name, g_bytes_get_size (bytes));
  sd_csv_reader_set_separator (reader, '\t');
  sd_csv_reader_set_quote (reader, 0);

  while (sd_csv_reader_next (reader, &local))
    {
      guint n = sd_csv_reader_get_n_fields (reader);

      if (sd_csv_reader_get_field (reader, 0, NULL)[0] == '#')
        continue;
      if (n > n_fields || n + n_optional < n_fields || sd_csv_reader_get_reencoded (reader))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("Built-in chat corpus %s, line %llu: expected %u tab-separated fields of UTF-8 text"),
                       name, (unsigned long long) sd_csv_reader_get_line (reader), n_fields);
          return FALSE;
        }
      g_ptr_array_set_size (fields, 0);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (fields, (gpointer) sd_csv_reader_get_field (reader, i, NULL));
      while (fields->len < n_fields)
        g_ptr_array_add (fields, NULL);
      g_ptr_array_add (fields, NULL);
      if (!func ((const char *const *) fields->pdata, data, error))
        {
          g_prefix_error (error, _("Built-in chat corpus %s, line %llu: "),
                          name, (unsigned long long) sd_csv_reader_get_line (reader));
          return FALSE;
        }
    }
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
sd_chat_corpus_read_builtin_tsv (const char     *name,
                                 guint           n_fields,
                                 SdChatTsvFunc   func,
                                 gpointer        data,
                                 GError        **error)
{
  return read_tsv (name, n_fields, 0, func, data, error);
}

typedef struct {
  GPtrArray  *out;
  const char *lang;
  const char *file;
  guint       n;          /* lines read, for a group of its own */
} CollectData;

static gboolean
collect_example (const char *const *fields, gpointer data, GError **error)
{
  CollectData *c = data;
  SdChatExample *e = example_new (fields[0], c->lang, fields[1], SD_CHAT_SOURCE_BUILTIN);

  /* A line without a group is a paraphrase of nothing else: a group of its own. Group
   * names are per language, so the same name in en.tsv and zh_CN.tsv is two groups. */
  c->n++;
  if (fields[2] && fields[2][0])
    e->group = g_strconcat (c->lang, ":", fields[2], NULL);
  else
    e->group = g_strdup_printf ("%s:%u", c->file, c->n);
  g_ptr_array_add (c->out, e);
  return TRUE;
}

GPtrArray *
sd_chat_corpus_builtin_examples (const char  *lang,
                                 GError     **error)
{
  static const char *const langs[] = { "en", "zh_CN" };
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chat_example_free);

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      if (lang && strcmp (lang, langs[i]) != 0)
        continue;
      g_autofree char *file = g_strconcat (langs[i], ".tsv", NULL);
      CollectData c = { out, langs[i], file, 0 };
      if (!read_tsv (file, 3, 1, collect_example, &c, error))
        return NULL;
    }
  return g_steal_pointer (&out);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gint64
intent_id (SdStore *store, const char *name, GError **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT id FROM chat_intents WHERE name = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not look up a chat intent"), error);
      return -1;
    }
  return 0;
}

static gint64
insert_intent (SdStore *store, const char *name, const char *description,
               SdChatSource source, GError **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO chat_intents (name, description, source, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (name) DO NOTHING", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, sd_chat_source_to_string (source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not add a chat intent"), error);
      return 0;
    }
  gint64 id = intent_id (store, name, error);
  return id > 0 ? id : 0;
}

static gint64
insert_example (SdStore *store, gint64 intent, const char *lang, const char *text,
                SdChatSource source, GError **error)
{
  g_autoptr(SdStmt) ins = sd_store_prepare (store,
      "INSERT INTO chat_examples (intent_id, lang, text, source, created_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (intent_id, lang, text) DO NOTHING", error);
  if (ins == NULL)
    return 0;
  sqlite3_bind_int64 (ins, 1, intent);
  sqlite3_bind_text (ins, 2, lang, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (ins, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (ins, 4, sd_chat_source_to_string (source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (ins, 5, now_seconds ());
  if (sqlite3_step (ins) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not add a chat example"), error);
      return 0;
    }

  g_autoptr(SdStmt) sel = sd_store_prepare (store,
      "SELECT id FROM chat_examples WHERE intent_id = ? AND lang = ? AND text = ?", error);
  if (sel == NULL)
    return 0;
  sqlite3_bind_int64 (sel, 1, intent);
  sqlite3_bind_text (sel, 2, lang, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (sel, 3, text, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (sel) != SQLITE_ROW)
    {
      sd_store_fail (store, _("Could not read back a chat example"), error);
      return 0;
    }
  return sqlite3_column_int64 (sel, 0);
}

static gboolean
seed_template (const char *const *fields, gpointer data, GError **error)
{
  SdStore *store = data;
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO chat_templates (intent, lang, text, source) VALUES (?, ?, ?, 'builtin') "
      /* a newer Shopdesk's wording, unless the staff wrote their own */
      "ON CONFLICT (intent, lang) DO UPDATE SET text = excluded.text WHERE chat_templates.source = 'builtin'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, fields[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, fields[1], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, fields[2], -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not add a chat template"), error);
  return TRUE;
}

/* A key for an example: intent, language and text, as the UNIQUE constraint has them. */
static char *
example_key (const char *intent, const char *lang, const char *text)
{
  return g_strjoin ("\t", intent, lang, text, NULL);
}

/* The built-in rows of the shop, or those the staff removed (@removed): their keys. */
static GHashTable *
stored_keys (SdStore *store, gboolean removed, GError **error)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, removed
      ? "SELECT intent, lang, text, 0 FROM chat_removed_examples"
      : "SELECT i.name, e.lang, e.text, e.id FROM chat_examples e JOIN chat_intents i ON i.id = e.intent_id "
        "WHERE e.source = 'builtin'", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (keys, example_key ((const char *) sqlite3_column_text (stmt, 0),
                                            (const char *) sqlite3_column_text (stmt, 1),
                                            (const char *) sqlite3_column_text (stmt, 2)),
                         GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 3)));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the chat examples"), error);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

static gboolean
seed_locked (SdStore *store, GError **error)
{
  g_autoptr(GPtrArray) examples = sd_chat_corpus_builtin_examples (NULL, error);
  g_autoptr(GHashTable) had = NULL, removed = NULL;
  if (examples == NULL)
    return FALSE;
  /* built-in rows already there stay as they are (their ids and dates); the staff's
   * removals stay removed */
  if ((had = stored_keys (store, FALSE, error)) == NULL || (removed = stored_keys (store, TRUE, error)) == NULL)
    return FALSE;

  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < examples->len; i++)
    {
      SdChatExample *e = examples->pdata[i];
      g_autofree char *key = example_key (e->intent, e->lang, e->text);
      gint64 id;

      if (g_hash_table_remove (had, key) || g_hash_table_contains (removed, key))
        continue;
      id = GPOINTER_TO_SIZE (g_hash_table_lookup (ids, e->intent));
      if (id == 0)
        {
          if ((id = insert_intent (store, e->intent, NULL, SD_CHAT_SOURCE_BUILTIN, error)) == 0)
            return FALSE;
          g_hash_table_insert (ids, e->intent, GSIZE_TO_POINTER ((gsize) id));
        }
      if (insert_example (store, id, e->lang, e->text, SD_CHAT_SOURCE_BUILTIN, error) == 0)
        return FALSE;
    }

  /* what is left of the old built-in rows, Shopdesk's corpus no longer has */
  {
    g_autoptr(SdStmt) del = sd_store_prepare (store, "DELETE FROM chat_examples WHERE id = ?", error);
    GHashTableIter iter;
    gpointer id;

    if (del == NULL)
      return FALSE;
    g_hash_table_iter_init (&iter, had);
    while (g_hash_table_iter_next (&iter, NULL, &id))
      {
        sqlite3_reset (del);
        sqlite3_bind_int64 (del, 1, (gint64) GPOINTER_TO_SIZE (id));
        if (sqlite3_step (del) != SQLITE_DONE)
          return sd_store_fail (store, _("Could not remove a chat example"), error);
      }
  }

  return sd_chat_corpus_read_builtin_tsv ("templates.tsv", 3, seed_template, store, error);
}

char *
sd_chat_corpus_examples_digest (GPtrArray *examples)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; examples && i < examples->len; i++)
    {
      SdChatExample *e = examples->pdata[i];
      const char *fields[] = { e->intent, e->lang, e->text, e->group ? e->group : "" };
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          g_checksum_update (sum, (const guchar *) (fields[f] ? fields[f] : ""), -1);
          g_checksum_update (sum, (const guchar *) "\t", 1);
        }
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* What the shop's built-in rows were made from: Shopdesk's examples and templates. */
static char *
builtin_digest (GError **error)
{
  static const char *const files[] = { "en.tsv", "zh_CN.tsv", "templates.tsv" };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GBytes) bytes = lookup_resource (files[i], error);
      gsize n;
      const guchar *data;

      if (bytes == NULL)
        return NULL;
      data = g_bytes_get_data (bytes, &n);
      g_checksum_update (sum, data, n);
    }
  return g_strdup (g_checksum_get_string (sum));
}

#define BUILTIN_SETTING "chat.builtin_corpus"

gboolean
sd_chat_corpus_seed (SdStore  *store,
                     GError  **error)
{
  g_return_val_if_fail (SD_IS_STORE (store), FALSE);

  g_autofree char *digest = builtin_digest (error);
  if (digest == NULL)
    return FALSE;
  {
    g_autofree char *had = sd_store_get_setting (store, BUILTIN_SETTING);
    if (g_strcmp0 (had, digest) == 0)
      return TRUE;
  }

  gboolean own = !sd_store_in_transaction (store);
  if (own && !sd_store_begin (store, error))
    return FALSE;
  if (!seed_locked (store, error) || !sd_store_set_setting (store, BUILTIN_SETTING, digest, error))
    {
      if (own)
        sd_store_rollback (store);
      return FALSE;
    }
  return own ? sd_store_commit (store, error) : TRUE;
}

GPtrArray *
sd_chat_corpus_load_examples (SdStore     *store,
                              const char  *lang,
                              GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT i.name, e.lang, e.text, e.source FROM chat_examples e "
      "JOIN chat_intents i ON i.id = e.intent_id "
      "WHERE ?1 IS NULL OR e.lang = ?1 ORDER BY e.id", error);
  if (stmt == NULL)
    return NULL;
  if (lang)
    sqlite3_bind_text (stmt, 1, lang, -1, SQLITE_TRANSIENT);

  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chat_example_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, example_new ((const char *) sqlite3_column_text (stmt, 0),
                                       (const char *) sqlite3_column_text (stmt, 1),
                                       (const char *) sqlite3_column_text (stmt, 2),
                                       source_from_string ((const char *) sqlite3_column_text (stmt, 3))));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the chat examples"), error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

GStrv
sd_chat_corpus_list_intents (SdStore  *store,
                             GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT name FROM chat_intents ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (b, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the chat intents"), error);
      return NULL;
    }
  return g_strv_builder_end (b);
}

static gboolean
valid_intent_name (const char *name)
{
  if (name == NULL || name[0] == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

gint64
sd_chat_corpus_add_intent (SdStore     *store,
                           const char  *name,
                           const char  *description,
                           GError     **error)
{
  if (!valid_intent_name (name))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("“%s” is not a valid intent name: use lowercase letters, digits and _ "
                     "(at most 64)"), name ? name : "");
      return 0;
    }
  return insert_intent (store, name, description, SD_CHAT_SOURCE_STAFF, error);
}

static gboolean
valid_lang (const char *lang)
{
  return g_strcmp0 (lang, "en") == 0 || g_strcmp0 (lang, "zh_CN") == 0;
}

gint64
sd_chat_corpus_add_example (SdStore      *store,
                            const char   *intent,
                            const char   *lang,
                            const char   *text,
                            SdChatSource  source,
                            GError      **error)
{
  if (!valid_lang (lang))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Unknown language “%s” for a chat example: use en or zh_CN"), lang ? lang : "");
      return 0;
    }
  if (text == NULL || !g_utf8_validate (text, -1, NULL) || strlen (text) > 1000)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("A chat example must be valid UTF-8 text of at most 1000 bytes"));
      return 0;
    }
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("A chat example cannot be empty"));
      return 0;
    }
  gint64 id = intent_id (store, intent, error);
  if (id < 0)
    return 0;
  if (id == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("There is no chat intent “%s”: add it first"), intent);
      return 0;
    }
  return insert_example (store, id, lang, trimmed, source, error);
}

gboolean
sd_chat_corpus_remove_example (SdStore  *store,
                               gint64    example_id,
                               GError  **error)
{
  /* a built-in example the staff removed is remembered, so a newer corpus does not bring it back */
  g_autoptr(SdStmt) keep = sd_store_prepare (store,
      "INSERT OR IGNORE INTO chat_removed_examples (intent, lang, text) "
      "SELECT i.name, e.lang, e.text FROM chat_examples e JOIN chat_intents i ON i.id = e.intent_id "
      "WHERE e.id = ? AND e.source = 'builtin'", error);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "DELETE FROM chat_examples WHERE id = ?", error);
  gboolean own = !sd_store_in_transaction (store);

  if (keep == NULL || stmt == NULL)
    return FALSE;
  if (own && !sd_store_begin (store, error))
    return FALSE;
  sqlite3_bind_int64 (keep, 1, example_id);
  sqlite3_bind_int64 (stmt, 1, example_id);
  if (sqlite3_step (keep) != SQLITE_DONE || sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not remove a chat example"), error);
      if (own)
        sd_store_rollback (store);
      return FALSE;
    }
  return own ? sd_store_commit (store, error) : TRUE;
}

char *
sd_chat_corpus_get_template (SdStore    *store,
                             const char *intent,
                             const char *lang,
                             gint64     *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT id, text FROM chat_templates WHERE intent = ?1 AND lang IN (?2, 'en') "
      "ORDER BY lang = ?2 DESC LIMIT 1", &error);
  if (id)
    *id = 0;
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, intent, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, lang ? lang : "en", -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  if (id)
    *id = sqlite3_column_int64 (stmt, 0);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 1));
}

gboolean
sd_chat_corpus_set_template (SdStore     *store,
                             const char  *intent,
                             const char  *lang,
                             const char  *text,
                             GError     **error)
{
  if (!valid_lang (lang) || text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("A template needs a language (en or zh_CN) and valid UTF-8 text"));
      return FALSE;
    }
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO chat_templates (intent, lang, text, source) VALUES (?, ?, ?, 'staff') "
      "ON CONFLICT (intent, lang) DO UPDATE SET text = excluded.text, source = 'staff'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, intent, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, lang, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not save a chat template"), error);
  return TRUE;
}

gint64
sd_chat_corpus_save_test (SdStore     *store,
                          const char  *name,
                          gint64       customer_id,
                          const char  *lang,
                          const char  *transcript_json,
                          GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO chat_tests (name, customer_id, lang, transcript, created_at) "
      "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (customer_id > 0)
    sqlite3_bind_int64 (stmt, 2, customer_id);
  sqlite3_bind_text (stmt, 3, lang, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, transcript_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not save the chat test"), error);
      return 0;
    }
  return sqlite3_last_insert_rowid (sd_store_get_db (store));
}

void
sd_chat_test_free (SdChatTest *test)
{
  if (test == NULL)
    return;
  g_free (test->name);
  g_free (test->lang);
  g_free (test->transcript);
  g_free (test);
}

GPtrArray *
sd_chat_corpus_load_tests (SdStore  *store,
                           GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT id, name, customer_id, lang, transcript FROM chat_tests ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chat_test_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdChatTest *t = g_new0 (SdChatTest, 1);
      t->id = sqlite3_column_int64 (stmt, 0);
      t->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      t->customer_id = sqlite3_column_int64 (stmt, 2);
      t->lang = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      t->transcript = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (out, t);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the saved chat tests"), error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
sd_chat_corpus_delete_test (SdStore  *store,
                            gint64    test_id,
                            GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "DELETE FROM chat_tests WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, test_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not delete the chat test"), error);
  return TRUE;
}
