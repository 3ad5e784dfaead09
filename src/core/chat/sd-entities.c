/* sd-entities.c — pattern recognisers and a catalogue dictionary */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-chat-concepts.h"
#include "sd-entities.h"
#include "sd-json.h"
#include "sd-tokenizer.h"

#define MAX_TEXT_BYTES (64 * 1024)
#define MAX_CJK_TERM_CHARS 16

static const char *const kind_names[SD_N_ENTITY_KINDS] = {
  "order_id", "email", "phone", "money", "date", "quantity", "product", "category"
};

const char *
sd_entity_kind_to_string (SdEntityKind kind)
{
  g_return_val_if_fail (kind < SD_N_ENTITY_KINDS, NULL);
  return kind_names[kind];
}

void
sd_entity_free (SdEntity *entity)
{
  if (entity == NULL)
    return;
  g_free (entity->text);
  g_free (entity->value);
  g_free (entity);
}

SdEntity *
sd_entity_copy (const SdEntity *entity)
{
  SdEntity *copy = g_memdup2 (entity, sizeof *entity);
  copy->text = g_strdup (entity->text);
  copy->value = g_strdup (entity->value);
  return copy;
}

/* A catalogue term. Latin terms are matched word by word; CJK terms as substrings. */
typedef struct {
  SdEntityKind kind;
  char        *value;
  gint64       ref_id;
  guint        n_words;
  guint        n_posted;   /* the distinct words it is found by (numbers and little words aside) */
} Term;

struct _SdEntityExtractor
{
  GObject     parent_instance;

  GPtrArray  *terms;      /* Term * */
  GHashTable *postings;   /* canonical word → GArray of guint term index */
  GHashTable *heads;      /* canonical words that may stand alone (set) */
  GPtrArray  *fuzzy;      /* canonical words of ≥ 5 letters, for typo matching */
  GHashTable *cjk;        /* CJK string → GUINT term index + 1 */
  guint       max_words;  /* the most content words of a term */
};

G_DEFINE_FINAL_TYPE (SdEntityExtractor, sd_entity_extractor, G_TYPE_OBJECT)

static void
term_free (Term *t)
{
  g_free (t->value);
  g_free (t);
}

static void
sd_entity_extractor_finalize (GObject *object)
{
  SdEntityExtractor *self = SD_ENTITY_EXTRACTOR (object);
  g_ptr_array_unref (self->terms);
  g_hash_table_unref (self->postings);
  g_hash_table_unref (self->heads);
  g_ptr_array_unref (self->fuzzy);
  g_hash_table_unref (self->cjk);
  G_OBJECT_CLASS (sd_entity_extractor_parent_class)->finalize (object);
}

static void
sd_entity_extractor_class_init (SdEntityExtractorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_entity_extractor_finalize;
}

static void
sd_entity_extractor_init (SdEntityExtractor *self)
{
  self->terms = g_ptr_array_new_with_free_func ((GDestroyNotify) term_free);
  self->postings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_array_unref);
  self->heads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->fuzzy = g_ptr_array_new ();
  self->cjk = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

SdEntityExtractor *
sd_entity_extractor_new (void)
{
  return g_object_new (SD_TYPE_ENTITY_EXTRACTOR, NULL);
}

/* --- words ---------------------------------------------------------------------- */

static const char *const stopwords[] = {
  "a", "an", "the", "and", "or", "of", "for", "with", "in", "on", "to", "my", "your", "me",
  "i", "you", "it", "is", "are", "do", "does", "have", "has", "any", "some", "this", "that",
  "these", "those", "by", "at", "from", "set", "new", "one", "ones", "please", "pls", "can",
  "could", "will", "would", "should", "may", "might", "must", "want", "need", "get", "got",
  "buy", "bought", "like", "stuff", "thing", "things", "item", "items", "order", "orders",
  "product", "products", "what", "which", "where", "when", "how", "why", "who", "there",
  "here", "not", "no", "yes", "be", "was", "were", "been", "am", "if", "so", "but", "all",
  "more", "most", "very", "too", "also", "just", "only", "about", "up", "out", "off", "over",
  "return", "send", "back", "still", "again", "now", "today", "help", "much", "many",
  /* verbs of any question that end a real title ("DOORMAT KEEP CALM AND COME IN" made
   * "what colours does the lantern come in" name two products) */
  "come", "comes", "came", "go", "goes", "went", "did", "done", "doing", "know", "tell",
  "say", "let", NULL
};

static gboolean
is_stopword (const char *w)
{
  for (guint i = 0; stopwords[i]; i++)
    if (strcmp (w, stopwords[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Case-folded word → singular, so "mugs", "boxes", "batteries" meet their titles. Words
 * whose s is no plural keep it: the inspector would show "christma gift" otherwise. */
static char *
canonical_word (const char *word, gssize len)
{
  static const char *const not_plural[] = { "christmas", "xmas", "canvas", "atlas", "lens", NULL };
  char *w = g_utf8_casefold (word, len);
  gsize n = strlen (w);
  if (g_strv_contains (not_plural, w))
    return w;
  if (n > 4 && g_str_has_suffix (w, "ies"))
    strcpy (w + n - 3, "y");
  else if (n > 4 && (g_str_has_suffix (w, "ches") || g_str_has_suffix (w, "shes") ||
                     g_str_has_suffix (w, "sses") || g_str_has_suffix (w, "xes")))
    w[n - 2] = '\0';
  else if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i')
    w[n - 1] = '\0';
  return w;
}

typedef struct {
  gsize start, end;
  char *canon;
} Word;

static void
word_clear (gpointer p)
{
  g_free (((Word *) p)->canon);
}

/* Latin words (letters, digits, inner apostrophes, hyphens and underscores) with their
 * byte spans in @text, which is valid UTF-8: the tokenizer's words, on the text as it
 * is so the spans stay the caller's. */
static GArray *
split_words (const char *text)
{
  GArray *words = g_array_new (FALSE, FALSE, sizeof (Word));
  g_autoptr(GArray) tokens = sd_tokenize_normalized (text, SD_TOKENIZE_JOIN_HYPHENS);

  g_array_set_clear_func (words, word_clear);
  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *t = &g_array_index (tokens, SdToken, i);
      Word w;

      if (t->kind != SD_TOKEN_WORD && t->kind != SD_TOKEN_NUMBER)
        continue;
      w.start = t->start;
      w.end = t->end;
      w.canon = canonical_word (t->text, -1);
      g_array_append_val (words, w);
    }
  return words;
}

static guint
term_add (SdEntityExtractor *self, SdEntityKind kind, const char *value, gint64 ref_id, guint n_words)
{
  Term *t = g_new0 (Term, 1);
  t->kind = kind;
  t->value = g_strdup (value);
  t->ref_id = ref_id;
  t->n_words = n_words;
  self->max_words = MAX (self->max_words, n_words);
  g_ptr_array_add (self->terms, t);
  return self->terms->len - 1;
}

void
sd_entity_extractor_add_term (SdEntityExtractor *self,
                              SdEntityKind       kind,
                              const char        *term,
                              const char        *value,
                              gint64             ref_id)
{
  g_return_if_fail (SD_IS_ENTITY_EXTRACTOR (self));
  g_return_if_fail (kind == SD_ENTITY_PRODUCT || kind == SD_ENTITY_CATEGORY);
  if (term == NULL || !g_utf8_validate (term, -1, NULL))
    return;

  /* Latin words: every word posts the term; the last content word is the head noun
   * ("mug" in "sage green ceramic mug"), which may be named alone. */
  g_autoptr(GArray) words = split_words (term);
  guint n_content = 0;
  for (guint i = 0; i < words->len; i++)
    n_content += !is_stopword (g_array_index (words, Word, i).canon);
  if (n_content > 0)
    {
      guint index = term_add (self, kind, value ? value : term, ref_id, n_content);
      const char *head = NULL;
      for (guint i = 0; i < words->len; i++)
        {
          const char *w = g_array_index (words, Word, i).canon;
          if (is_stopword (w) || g_ascii_isdigit (w[0]))
            continue;
          head = w;
          GArray *post = g_hash_table_lookup (self->postings, w);
          if (post == NULL)
            {
              post = g_array_new (FALSE, FALSE, sizeof (guint));
              char *key = g_strdup (w);
              g_hash_table_insert (self->postings, key, post);
              if (g_utf8_strlen (key, -1) >= 5)
                g_ptr_array_add (self->fuzzy, key);
            }
          if (post->len == 0 || g_array_index (post, guint, post->len - 1) != index)
            {
              g_array_append_val (post, index);
              ((Term *) self->terms->pdata[index])->n_posted++;
            }
          if (kind == SD_ENTITY_CATEGORY)
            g_hash_table_add (self->heads, g_strdup (w));
        }
      if (head)
        g_hash_table_add (self->heads, g_strdup (head));
    }

  /* CJK runs: the whole run and its suffixes of two or more characters, since the head
   * noun comes last in Chinese (复古陶瓷马克杯 → 马克杯). */
  const char *p = term;
  while (*p)
    {
      if (!sd_unichar_is_cjk (g_utf8_get_char (p)))
        {
          p = g_utf8_next_char (p);
          continue;
        }
      const char *start = p;
      while (*p && sd_unichar_is_cjk (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      g_autofree char *run = g_strndup (start, p - start);
      glong n = g_utf8_strlen (run, -1);
      if (n < 2)
        continue;
      guint index = term_add (self, kind, value ? value : run, ref_id, 1);
      const char *suffix = run;
      for (glong k = 0; k + 1 < n; k++, suffix = g_utf8_next_char (suffix))
        {
          if (g_utf8_strlen (suffix, -1) > MAX_CJK_TERM_CHARS)
            continue;
          gpointer old = g_hash_table_lookup (self->cjk, suffix);
          /* A category keeps its name; otherwise the first product to use a suffix does. */
          if (old == NULL || (kind == SD_ENTITY_CATEGORY && k == 0))
            g_hash_table_insert (self->cjk, g_strdup (suffix), GUINT_TO_POINTER (index + 1));
        }
    }
}

/* Category names in Chinese from the demo shop's setting: a JSON object of English
 * name → Chinese name. A setting that is not such an object adds nothing. */
static void
add_category_translations (SdEntityExtractor *self, const char *json)
{
  g_autoptr(SdJsonNode) root = sd_json_parse (json, -1, "categories.zh_CN", NULL);

  if (root == NULL || sd_json_node_get_node_type (root) != SD_JSON_OBJECT)
    return;
  for (guint i = 0; i < sd_json_node_get_length (root); i++)
    {
      const char *zh = sd_json_node_get_string (sd_json_node_get_element (root, i));
      if (zh)
        sd_entity_extractor_add_term (self, SD_ENTITY_CATEGORY, zh,
                                      sd_json_node_get_member_name (root, i), 0);
    }
}

gboolean
sd_entity_extractor_load_catalog (SdEntityExtractor *self,
                                  SdStore           *store,
                                  GError           **error)
{
  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), FALSE);
  {
    g_autoptr(SdStmt) stmt = sd_store_prepare (store,
        "SELECT DISTINCT category FROM products WHERE category IS NOT NULL AND category != ''", error);
    if (stmt == NULL)
      return FALSE;
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *c = (const char *) sqlite3_column_text (stmt, 0);
        sd_entity_extractor_add_term (self, SD_ENTITY_CATEGORY, c, c, 0);
      }
  }
  g_autofree char *zh = sd_store_get_setting (store, "categories.zh_CN");
  if (zh)
    add_category_translations (self, zh);

  /* A product's other names (product_aliases) right after its title: where a name is two
   * products' (Online Retail's 85123A was sold as WHITE HANGING HEART T-LIGHT HOLDER before
   * the rare 85123a took that title), the older product, which has the longer history
   * under it, is named first and wins. */
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT p.id, p.title, t.title, 0 FROM products p "
      "LEFT JOIN product_texts t ON t.product_id = p.id AND t.lang LIKE 'zh%' "
      "WHERE " SD_CHAT_SELLS_PRODUCT ("p") " "
      "UNION ALL SELECT p.id, a.title, NULL, 1 FROM product_aliases a JOIN products p ON p.id = a.product_id "
      "WHERE " SD_CHAT_SELLS_PRODUCT ("p") " ORDER BY 1, 4", error);
  if (stmt == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      sd_entity_extractor_add_term (self, SD_ENTITY_PRODUCT,
                                    (const char *) sqlite3_column_text (stmt, 1), NULL, id);
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        sd_entity_extractor_add_term (self, SD_ENTITY_PRODUCT,
                                      (const char *) sqlite3_column_text (stmt, 2), NULL, id);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read the catalogue for the chatbot"), error);
  return TRUE;
}

/* --- the extraction pass ------------------------------------------------------------ */

typedef struct {
  const char *text;
  gsize       len;
  char       *lower;   /* ASCII-lowercased copy, same offsets */
  guint8     *taken;
  GPtrArray  *out;
  GDate       today;
} Scan;

static gboolean
span_free (Scan *s, gsize start, gsize end)
{
  for (gsize i = start; i < end; i++)
    if (s->taken[i])
      return FALSE;
  return TRUE;
}

static void
add (Scan *s, SdEntityKind kind, gsize start, gsize end, char *value, gint64 ref)
{
  SdEntity *e = g_new0 (SdEntity, 1);
  e->kind = kind;
  e->start = start;
  e->end = end;
  e->text = g_strndup (s->text + start, end - start);
  e->value = value;
  e->ref_id = ref;
  memset (s->taken + start, 1, end - start);
  g_ptr_array_add (s->out, e);
}

static gboolean
alnum_at (Scan *s, gssize i)
{
  return i >= 0 && (gsize) i < s->len && g_ascii_isalnum (s->text[i]);
}

static gboolean
boundary_before (Scan *s, gsize i)
{
  return i == 0 || !alnum_at (s, (gssize) i - 1);
}

static gsize
digits_at (Scan *s, gsize i)
{
  gsize j = i;
  while (j < s->len && g_ascii_isdigit (s->text[j]))
    j++;
  return j - i;
}

static gboolean
lower_has_prefix (Scan *s, gsize i, const char *prefix)
{
  gsize n = strlen (prefix);
  return i + n <= s->len && memcmp (s->lower + i, prefix, n) == 0;
}

/* The closest of @words ending within @window bytes before @i: its distance, or -1. */
static gssize
keyword_before (Scan *s, gsize i, gsize window, const char *const *words)
{
  gsize from = i > window ? i - window : 0;
  gssize best = -1;
  for (guint k = 0; words[k]; k++)
    {
      gsize n = strlen (words[k]);
      for (gsize j = from; j + n <= i; j++)
        if (memcmp (s->lower + j, words[k], n) == 0)
          {
            gssize d = (gssize) (i - (j + n));
            if (best < 0 || d < best)
              best = d;
          }
    }
  return best;
}

static const char *const order_words[] = {
  "order", "oder", "ordr", "purchase", "purch", "puchase", "purhase", "purchse", "ord", "订单", "单号", "单子", NULL
};
static const char *const invoice_words[] = {
  "invoi", "invoce", "bill", "bil ", "bull ", "biul", "receipt", "发票", "收据", NULL
};
static const char *const phone_words[] = {
  "phone", "call", "tel", "mobile", "cell", "number is", "电话", "手机", "号码", NULL
};

static void
scan_email (Scan *s)
{
  for (gsize at = 1; at + 1 < s->len; at++)
    {
      if (s->text[at] != '@')
        continue;
      gsize a = at;
      while (a > 0 && (g_ascii_isalnum (s->text[a - 1]) || strchr ("._%+-", s->text[a - 1])))
        a--;
      gsize b = at + 1, dot = 0;
      while (b < s->len && (g_ascii_isalnum (s->text[b]) || s->text[b] == '.' || s->text[b] == '-'))
        b++;
      while (b > at + 1 && s->text[b - 1] == '.')
        b--;
      for (gsize k = at + 1; k < b; k++)
        if (s->text[k] == '.')
          dot = k;
      if (a == at || dot <= at + 1 || b - dot < 3 || !span_free (s, a, b))
        continue;
      add (s, SD_ENTITY_EMAIL, a, b, g_ascii_strdown (s->text + a, b - a), 0);
      at = b;
    }
}

static void
scan_prefixed_orders (Scan *s)
{
  static const char *const prefixes[] = { "order", "ord", "sd", "po", NULL };
  for (gsize i = 0; i < s->len; i++)
    {
      if (s->text[i] == '#' && i + 1 < s->len && digits_at (s, i + 1) >= 3 &&
          !alnum_at (s, i + 1 + digits_at (s, i + 1)))
        {
          gsize n = digits_at (s, i + 1);
          gssize inv = keyword_before (s, i, 20, invoice_words);
          if (inv < 0 && span_free (s, i, i + 1 + n))
            add (s, SD_ENTITY_ORDER_ID, i, i + 1 + n, g_strndup (s->text + i + 1, n), 0);
          i += n;
          continue;
        }
      if (!boundary_before (s, i))
        continue;
      for (guint k = 0; prefixes[k]; k++)
        {
          if (!lower_has_prefix (s, i, prefixes[k]))
            continue;
          gsize j = i + strlen (prefixes[k]);
          gboolean sep = j < s->len && (s->text[j] == '-' || s->text[j] == '_' || s->text[j] == '#');
          if (sep)
            j++;
          gsize n = digits_at (s, j);
          /* "order 123456" is a keyword then a number, handled with the bare numbers */
          if (n < 3 || (!sep && strlen (prefixes[k]) > 2) || alnum_at (s, j + n) ||
              !span_free (s, i, j + n))
            continue;
          g_autofree char *prefix = g_ascii_strup (s->text + i, strlen (prefixes[k]));
          add (s, SD_ENTITY_ORDER_ID, i, j + n,
               g_strdup_printf ("%s-%.*s", prefix, (int) n, s->text + j), 0);
          i = j + n;
          break;
        }
    }
}

/* Digits with at most one space or hyphen between groups: "+44 7700 900123". */
static gsize
phone_run (Scan *s, gsize i, guint *n_digits, gboolean *grouped)
{
  gsize j = i;
  *n_digits = 0;
  *grouped = FALSE;
  while (j < s->len)
    {
      if (g_ascii_isdigit (s->text[j]))
        {
          (*n_digits)++;
          j++;
        }
      else if ((s->text[j] == ' ' || s->text[j] == '-') && j + 1 < s->len &&
               g_ascii_isdigit (s->text[j + 1]) && j > i)
        {
          *grouped = TRUE;
          j++;
        }
      else
        break;
    }
  return j;
}

static void
scan_phones (Scan *s)
{
  for (gsize i = 0; i < s->len; i++)
    {
      gboolean plus = s->text[i] == '+';
      gsize d = plus ? i + 1 : i;
      if (d >= s->len || !g_ascii_isdigit (s->text[d]) || !boundary_before (s, i) ||
          (!plus && i > 0 && (s->text[i - 1] == '#' || s->text[i - 1] == '-')))
        continue;
      guint n = 0;
      gboolean grouped;
      gsize end = phone_run (s, d, &n, &grouped);
      if (alnum_at (s, end))
        {
          i = end;
          continue;
        }
      gboolean cn_mobile = !grouped && n == 11 && s->text[d] == '1' &&
                           s->text[d + 1] >= '3' && s->text[d + 1] <= '9';
      gboolean keyword = keyword_before (s, i, 25, phone_words) >= 0;
      gboolean order = keyword_before (s, i, 30, order_words) >= 0;
      gboolean ok = (plus && n >= 8 && n <= 15) ||
                    (cn_mobile && !order) ||
                    (!plus && s->text[d] == '0' && (grouped || keyword) && n >= 10 && n <= 11 && !order) ||
                    (keyword && !order && n >= 7 && n <= 15);
      if (ok && span_free (s, i, end))
        {
          GString *v = g_string_new (plus ? "+" : "");
          for (gsize k = d; k < end; k++)
            if (g_ascii_isdigit (s->text[k]))
              g_string_append_c (v, s->text[k]);
          add (s, SD_ENTITY_PHONE, i, end, g_string_free (v, FALSE), 0);
        }
      i = end;
    }
}

static void
scan_bare_orders (Scan *s)
{
  for (gsize i = 0; i < s->len; i++)
    {
      if (!g_ascii_isdigit (s->text[i]))
        continue;
      /* "order123456": a number glued to its keyword */
      gboolean glued = i > 0 && g_ascii_isalpha (s->text[i - 1]) &&
                       keyword_before (s, i, 10, order_words) == 0;
      if (!boundary_before (s, i) && !glued)
        {
          i += digits_at (s, i);
          continue;
        }
      gsize n = digits_at (s, i);
      gsize end = i + n;
      if (alnum_at (s, end) || n < 4 || n > 20 || !span_free (s, i, end) ||
          (end < s->len && (s->text[end] == '.' || s->text[end] == ',') && alnum_at (s, end + 1)))
        {
          i = end;
          continue;
        }
      gssize order = keyword_before (s, i, 30, order_words);
      gssize inv = keyword_before (s, i, 30, invoice_words);
      gssize phone = keyword_before (s, i, 30, phone_words);
      gboolean keyword = order >= 0 && (inv < 0 || order < inv) && (phone < 0 || order < phone);
      if ((keyword && n >= 4) || (inv < 0 && phone < 0 && n >= 10))
        add (s, SD_ENTITY_ORDER_ID, i, end, g_strndup (s->text + i, n), 0);
      i = end;
    }
}

/* --- money ------------------------------------------------------------------------- */

/* A number with thousands separators and a decimal point or comma, at @i. Returns its
 * end, and the amount in cents. */
static gsize
parse_amount (Scan *s, gsize i, gint64 *cents)
{
  gsize j = i;
  gint64 whole = 0;
  int frac = -1, frac_digits = 0;
  if (j >= s->len || !g_ascii_isdigit (s->text[j]))
    return i;
  while (j < s->len)
    {
      char c = s->text[j];
      if (g_ascii_isdigit (c))
        {
          if (frac >= 0)
            {
              if (frac_digits < 2)
                frac = frac * 10 + (c - '0');
              frac_digits++;
            }
          else if (whole < G_GINT64_CONSTANT (100000000000))
            whole = whole * 10 + (c - '0');
          j++;
        }
      else if ((c == ',' || c == '.') && frac < 0 && j + 1 < s->len && g_ascii_isdigit (s->text[j + 1]))
        {
          gsize k = digits_at (s, j + 1);
          if (k == 3 && (c == ',' || (j + 4 < s->len && s->text[j + 4] == ',')))
            j++;   /* thousands */
          else if (k <= 2)
            {
              frac = 0;
              j++;
            }
          else
            break;
        }
      else
        break;
    }
  if (frac >= 0 && frac_digits == 1)
    frac *= 10;
  *cents = whole * 100 + (frac > 0 ? frac : 0);
  return j;
}

typedef struct {
  const char *token;   /* lowercase */
  const char *code;
} Currency;

static const Currency prefix_currencies[] = {
  { "us$", "USD" }, { "£", "GBP" }, { "$", "USD" }, { "€", "EUR" }, { "¥", "CNY" }, { "￥", "CNY" },
  { "rmb", "CNY" }, { "cny", "CNY" }, { "gbp", "GBP" }, { "eur", "EUR" }, { "usd", "USD" },
};
static const Currency suffix_currencies[] = {
  { "€", "EUR" }, { "块钱", "CNY" }, { "元", "CNY" }, { "块", "CNY" }, { "rmb", "CNY" }, { "yuan", "CNY" },
  { "euros", "EUR" }, { "euro", "EUR" }, { "eur", "EUR" }, { "gbp", "GBP" }, { "pounds", "GBP" },
  { "pound", "GBP" }, { "quid", "GBP" }, { "usd", "USD" }, { "dollars", "USD" }, { "dollar", "USD" },
  { "bucks", "USD" }, { "£", "GBP" }, { "¥", "CNY" },
};

static char *
money_value (gint64 cents, const char *code)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02d %s", cents / 100, (int) (cents % 100), code);
}

static void
scan_money (Scan *s)
{
  for (gsize i = 0; i < s->len; i++)
    {
      for (guint k = 0; k < G_N_ELEMENTS (prefix_currencies); k++)
        {
          const char *tok = prefix_currencies[k].token;
          if (!lower_has_prefix (s, i, tok) || (g_ascii_isalpha (tok[0]) && !boundary_before (s, i)))
            continue;
          gsize j = i + strlen (tok);
          if (j < s->len && s->text[j] == ' ')
            j++;
          gint64 cents;
          gsize end = parse_amount (s, j, &cents);
          if (end > j && !alnum_at (s, end) && span_free (s, i, end))
            {
              add (s, SD_ENTITY_MONEY, i, end, money_value (cents, prefix_currencies[k].code), 0);
              i = end - 1;
            }
          break;
        }
    }
  for (gsize i = 0; i < s->len; i++)
    {
      if (!g_ascii_isdigit (s->text[i]) || !boundary_before (s, i) || s->taken[i])
        continue;
      gint64 cents;
      gsize end = parse_amount (s, i, &cents);
      gsize j = end;
      if (j < s->len && s->text[j] == ' ')
        j++;
      for (guint k = 0; k < G_N_ELEMENTS (suffix_currencies); k++)
        {
          const char *tok = suffix_currencies[k].token;
          gsize n = strlen (tok);
          if (!lower_has_prefix (s, j, tok) || (g_ascii_isalpha (tok[0]) && alnum_at (s, j + n)))
            continue;
          if (span_free (s, i, j + n))
            add (s, SD_ENTITY_MONEY, i, j + n, money_value (cents, suffix_currencies[k].code), 0);
          break;
        }
      i = end;
    }
}

/* --- dates --------------------------------------------------------------------------- */

static const char *const months[] = {
  "january", "february", "march", "april", "may", "june", "july", "august", "september",
  "october", "november", "december"
};
static const char *const weekdays_en[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};

static char *
date_value (const GDate *d)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d),
                          g_date_get_day (d));
}

static char *
dmy_value (Scan *s, int day, int month, int year)
{
  if (year <= 0)
    year = g_date_get_year (&s->today);
  if (!g_date_valid_dmy (day, month, year))
    return NULL;
  GDate d;
  g_date_set_dmy (&d, day, month, year);
  return date_value (&d);
}

static char *
offset_value (Scan *s, int days)
{
  GDate d = s->today;
  if (days >= 0)
    g_date_add_days (&d, days);
  else
    g_date_subtract_days (&d, -days);
  return date_value (&d);
}

/* 1 = Monday … 7 = Sunday; @week: -1 last week (Chinese 上周), 0 the most recent
 * such day (English "last Friday", "on Friday"), 1 the next such day, 2 this week,
 * 3 next week (Chinese 下周). */
static char *
weekday_value (Scan *s, int wd, int week)
{
  int today = g_date_get_weekday (&s->today);
  int delta;
  switch (week)
    {
    case -1: delta = -(today - 1) - 7 + (wd - 1); break;
    case 1: delta = ((wd - today) + 7) % 7; if (delta == 0) delta = 7; break;
    case 2: delta = wd - today; break;
    case 3: delta = 7 - (today - 1) + (wd - 1); break;
    default: delta = -(((today - wd) + 7) % 7); if (delta == 0) delta = -7; break;
    }
  return offset_value (s, delta);
}

static int
month_at (Scan *s, gsize i, gsize *end)
{
  for (int m = 0; m < 12; m++)
    {
      gsize full = strlen (months[m]);
      if (lower_has_prefix (s, i, months[m]) && !alnum_at (s, i + full))
        {
          *end = i + full;
          return m + 1;
        }
      if (lower_has_prefix (s, i, (char[]) { months[m][0], months[m][1], months[m][2], 0 }))
        {
          gsize e = i + 3;
          if (lower_has_prefix (s, e, "t") && m == 8)
            e++;            /* "sept" */
          if (e < s->len && s->text[e] == '.')
            e++;
          if (!alnum_at (s, e))
            {
              *end = e;
              return m + 1;
            }
        }
    }
  return 0;
}

static gsize
day_number_at (Scan *s, gsize i, int *day)
{
  gsize n = digits_at (s, i);
  if (n == 0 || n > 2)
    return i;
  *day = atoi (s->text + i);
  gsize j = i + n;
  static const char *const ord[] = { "st", "nd", "rd", "th" };
  for (guint k = 0; k < G_N_ELEMENTS (ord); k++)
    if (lower_has_prefix (s, j, ord[k]))
      {
        j += 2;
        break;
      }
  return alnum_at (s, j) ? i : j;
}

/* The Chinese numerals of 1..31 and weekdays (日/天 = Sunday). */
static int
zh_number (const char *p, gsize *len)
{
  static const char *const digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "两" };
  int value = -1;
  *len = 0;
  for (;;)
    {
      int d = -1;
      for (int k = 0; k < (int) G_N_ELEMENTS (digits); k++)
        if (g_str_has_prefix (p + *len, digits[k]))
          {
            d = k == 11 ? 2 : k;
            break;
          }
      if (d < 0)
        break;
      *len += 3;
      if (d == 10)
        value = (value <= 0 ? 1 : value) * 10;
      else if (value >= 10 && value % 10 == 0)
        value += d;
      else
        value = (value < 0 ? 0 : value * 10) + d;
    }
  return value;
}

static int
zh_weekday (const char *p, gsize *len)
{
  static const char *const names[] = { "一", "二", "三", "四", "五", "六", "日", "天" };
  for (int k = 0; k < 8; k++)
    if (g_str_has_prefix (p, names[k]))
      {
        *len = strlen (names[k]);
        return k < 7 ? k + 1 : 7;
      }
  return 0;
}

static gboolean
scan_date_at (Scan *s, gsize i)
{
  const char *p = s->text + i;
  int y, m, d;
  gsize end;
  char *v = NULL;

  /* 2024-05-01, 2024/5/1 */
  if (boundary_before (s, i) && digits_at (s, i) == 4 && i + 4 < s->len &&
      (p[4] == '-' || p[4] == '/'))
    {
      char sep = p[4];
      gsize mi = i + 5, mn = digits_at (s, mi);
      if (mn >= 1 && mn <= 2 && mi + mn < s->len && s->text[mi + mn] == sep)
        {
          gsize di = mi + mn + 1, dn = digits_at (s, di);
          if (dn >= 1 && dn <= 2 && !alnum_at (s, di + dn))
            {
              y = atoi (p);
              m = atoi (s->text + mi);
              d = atoi (s->text + di);
              end = di + dn;
              if ((v = dmy_value (s, d, m, y)))
                goto found;
            }
        }
    }

  /* 2024年5月1日, 5月1日, 5月1号 */
  {
    gsize j = i;
    y = 0;
    if (digits_at (s, j) == 4 && g_str_has_prefix (s->text + j + 4, "年"))
      {
        y = atoi (s->text + j);
        j += 4 + strlen ("年");
      }
    gsize mn = digits_at (s, j);
    if (mn >= 1 && mn <= 2 && (i == j || y > 0) && g_str_has_prefix (s->text + j + mn, "月") &&
        (i == 0 || !g_ascii_isdigit (s->text[i - 1])))
      {
        m = atoi (s->text + j);
        gsize di = j + mn + strlen ("月");
        gsize dn = digits_at (s, di);
        if (dn >= 1 && dn <= 2 && (g_str_has_prefix (s->text + di + dn, "日") ||
                                   g_str_has_prefix (s->text + di + dn, "号")))
          {
            d = atoi (s->text + di);
            end = di + dn + 3;
            if ((v = dmy_value (s, d, m, y)))
              goto found;
          }
      }
  }

  if (boundary_before (s, i))
    {
      /* 5 May, 5th of May 2024 */
      gsize j = day_number_at (s, i, &d);
      if (j > i)
        {
          gsize k = j;
          if (k < s->len && s->text[k] == ' ')
            k++;
          if (lower_has_prefix (s, k, "of "))
            k += 3;
          if ((m = month_at (s, k, &end)))
            {
              y = 0;
              if (end + 5 <= s->len && s->text[end] == ' ' && digits_at (s, end + 1) == 4)
                {
                  y = atoi (s->text + end + 1);
                  end += 5;
                }
              if ((v = dmy_value (s, d, m, y)))
                goto found;
            }
        }
      /* May 5, May 5th */
      if ((m = month_at (s, i, &end)) && end < s->len && s->text[end] == ' ')
        {
          gsize j2 = day_number_at (s, end + 1, &d);
          if (j2 > end + 1)
            {
              end = j2;
              if ((v = dmy_value (s, d, m, 0)))
                goto found;
            }
        }

      static const struct { const char *word; int days; } rel[] = {
        { "the day before yesterday", -2 }, { "yesterday", -1 }, { "today", 0 },
        { "tonight", 0 }, { "tomorrow", 1 }, { "day after tomorrow", 2 },
      };
      for (guint k = 0; k < G_N_ELEMENTS (rel); k++)
        if (lower_has_prefix (s, i, rel[k].word) && !alnum_at (s, i + strlen (rel[k].word)))
          {
            end = i + strlen (rel[k].word);
            v = offset_value (s, rel[k].days);
            goto found;
          }

      /* last/next/this Friday, on Friday */
      static const struct { const char *word; int week; } mod[] = {
        { "last ", 0 }, { "next ", 1 }, { "this ", 2 }, { "on ", 0 }, { "", 0 },
      };
      for (guint k = 0; k < G_N_ELEMENTS (mod); k++)
        {
          if (!lower_has_prefix (s, i, mod[k].word))
            continue;
          gsize j3 = i + strlen (mod[k].word);
          for (int w = 0; w < 7; w++)
            {
              gsize n = strlen (weekdays_en[w]);
              gsize e = 0;
              if (lower_has_prefix (s, j3, weekdays_en[w]))
                e = j3 + n;
              else if (lower_has_prefix (s, j3, (char[]) { weekdays_en[w][0], weekdays_en[w][1], weekdays_en[w][2], 0 }) &&
                       !alnum_at (s, j3 + 3))
                e = j3 + 3;
              if (e && !alnum_at (s, e))
                {
                  /* "on Friday" keeps only the weekday as the span */
                  gsize start = k == 3 ? j3 : i;
                  if (!span_free (s, start, e))
                    return FALSE;
                  add (s, SD_ENTITY_DATE, start, e, weekday_value (s, w + 1, mod[k].week), 0);
                  return TRUE;
                }
            }
        }

      /* 3 days ago */
      gsize n = digits_at (s, i);
      if (n >= 1 && n <= 3 && lower_has_prefix (s, i + n, " days ago"))
        {
          end = i + n + strlen (" days ago");
          v = offset_value (s, -atoi (p));
          goto found;
        }
    }

  /* 昨天, 上周五, 星期三, 3天前 */
  {
    static const struct { const char *word; int days; } rel[] = {
      { "大前天", -3 }, { "前天", -2 }, { "昨天", -1 }, { "昨日", -1 }, { "今天", 0 }, { "今日", 0 },
      { "明天", 1 }, { "后天", 2 },
    };
    for (guint k = 0; k < G_N_ELEMENTS (rel); k++)
      if (g_str_has_prefix (p, rel[k].word))
        {
          end = i + strlen (rel[k].word);
          v = offset_value (s, rel[k].days);
          goto found;
        }
    static const struct { const char *word; int week; } mod[] = {
      { "上周", -1 }, { "上星期", -1 }, { "上礼拜", -1 }, { "下周", 1 }, { "下星期", 1 },
      { "这周", 2 }, { "本周", 2 }, { "这星期", 2 }, { "周", 0 }, { "星期", 0 }, { "礼拜", 0 },
    };
    for (guint k = 0; k < G_N_ELEMENTS (mod); k++)
      {
        if (!g_str_has_prefix (p, mod[k].word))
          continue;
        gsize j = i + strlen (mod[k].word), wl;
        int wd = zh_weekday (s->text + j, &wl);
        if (wd == 0)
          break;
        end = j + wl;
        /* 下周一 is Monday of next week, not the next Monday */
        v = weekday_value (s, wd, mod[k].week == 1 ? 3 : mod[k].week);
        goto found;
      }
    gsize nl = digits_at (s, i);
    if (nl >= 1 && nl <= 3 && g_str_has_prefix (p + nl, "天前"))
      {
        end = i + nl + strlen ("天前");
        v = offset_value (s, -atoi (p));
        goto found;
      }
  }
  return FALSE;

found:
  if (!span_free (s, i, end))
    {
      g_free (v);
      return FALSE;
    }
  add (s, SD_ENTITY_DATE, i, end, v, 0);
  return TRUE;
}

static void
scan_dates (Scan *s)
{
  for (gsize i = 0; i < s->len; i++)
    if (!s->taken[i] && (i == 0 || (s->text[i] & 0xC0) != 0x80) && scan_date_at (s, i))
      {
        while (i + 1 < s->len && s->taken[i + 1])
          i++;
      }
}

/* --- quantities ------------------------------------------------------------------------ */

/* 两个星期, 三个月, 一个小时: a measure word before a unit of time counts time, not items. */
static gboolean
zh_time_at (const Scan *s,
            gsize       pos)
{
  static const char *const time_zh[] = {
    "星期", "礼拜", "月", "小时", "钟头", "工作日", "半月", "多月", "多星期", "多小时", NULL
  };
  for (guint k = 0; time_zh[k]; k++)
    if (g_str_has_prefix (s->text + pos, time_zh[k]))
      return TRUE;
  return FALSE;
}

static void
scan_quantities (Scan *s)
{
  static const char *const number_words[] = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"
  };
  static const char *const units[] = {
    "pcs", "pc", "pieces", "piece", "items", "item", "units", "unit", "pairs", "pair",
    "packs", "pack", "boxes", "box", "bottles", "bottle", "x", NULL
  };
  static const char *const not_after[] = {
    "day", "week", "month", "year", "hour", "minute", "min", "second", "working", "business",
    "am", "pm", "time", "percent", "%", "star", "size", "cm", "mm", "kg", "g", "ml", "l",
    "inch", "feet", "ft", "m", "st", "nd", "rd", "th", "or", "and", "to", "of", NULL
  };
  static const char *const measure_zh[] = {
    "件", "个", "双", "条", "只", "台", "把", "本", "盒", "包", "瓶", "套", "张", "份", "支", "顶", NULL
  };

  for (gsize i = 0; i < s->len; i++)
    {
      if (s->taken[i] || (s->text[i] & 0xC0) == 0x80)
        continue;
      int value = -1;
      gsize end = i;

      if (g_ascii_isdigit (s->text[i]) && boundary_before (s, i) && i + 1 <= s->len &&
          !(i > 0 && (s->text[i - 1] == '.' || s->text[i - 1] == ',' || s->text[i - 1] == '-')))
        {
          gsize n = digits_at (s, i);
          if (n <= 4)
            {
              value = atoi (s->text + i);
              end = i + n;
            }
        }
      else if (boundary_before (s, i))
        {
          for (guint k = 0; k < G_N_ELEMENTS (number_words); k++)
            if (lower_has_prefix (s, i, number_words[k]) &&
                !alnum_at (s, i + strlen (number_words[k])))
              {
                value = k + 2;
                end = i + strlen (number_words[k]);
                break;
              }
          if (value < 0 && lower_has_prefix (s, i, "a couple of "))
            {
              value = 2;
              end = i + strlen ("a couple");
            }
          if (value < 0 && lower_has_prefix (s, i, "a dozen"))
            {
              value = 12;
              end = i + strlen ("a dozen");
            }
        }
      else if (i > 0 && s->text[i - 1] == 'x' && g_ascii_isdigit (s->text[i]))
        continue;

      if (value < 0)
        {
          gsize zl;
          int zv = zh_number (s->text + i, &zl);
          if (zv < 0 && g_ascii_isdigit (s->text[i]))
            {
              zl = digits_at (s, i);
              zv = atoi (s->text + i);
            }
          if (zv > 0)
            for (guint k = 0; measure_zh[k]; k++)
              if (g_str_has_prefix (s->text + i + zl, measure_zh[k]))
                {
                  gsize e = i + zl + strlen (measure_zh[k]);
                  if (span_free (s, i, e) && !zh_time_at (s, e))
                    add (s, SD_ENTITY_QUANTITY, i, e, g_strdup_printf ("%d", zv), 0);
                  i = e - 1;
                  break;
                }
          continue;
        }

      if (value <= 0 || alnum_at (s, end))
        {
          if (g_ascii_isdigit (s->text[i]))
            {
              /* 3pcs, 2x */
              gsize e = end;
              for (guint k = 0; units[k]; k++)
                if (lower_has_prefix (s, e, units[k]) && !alnum_at (s, e + strlen (units[k])) && value > 0)
                  {
                    e += strlen (units[k]);
                    if (span_free (s, i, e))
                      add (s, SD_ENTITY_QUANTITY, i, e, g_strdup_printf ("%d", value), 0);
                    break;
                  }
              i = MAX (e, i + 1) - 1;
            }
          continue;
        }

      /* What follows decides: a unit, a Chinese measure word, or a noun that is not a
       * unit of time or measure. */
      gsize j = end;
      gsize span_end = end;
      gboolean ok = FALSE;
      if (j < s->len && s->text[j] == ' ')
        j++;
      for (guint k = 0; units[k] && !ok; k++)
        if (lower_has_prefix (s, j, units[k]) && !alnum_at (s, j + strlen (units[k])))
          {
            ok = TRUE;
            span_end = j + strlen (units[k]);
          }
      for (guint k = 0; measure_zh[k] && !ok; k++)
        if (g_str_has_prefix (s->text + j, measure_zh[k]))
          {
            span_end = j + strlen (measure_zh[k]);
            ok = !zh_time_at (s, span_end);
          }
      if (!ok && j > end && j < s->len && g_ascii_isalpha (s->text[j]))
        {
          ok = TRUE;
          for (guint k = 0; not_after[k]; k++)
            {
              gsize e = j + strlen (not_after[k]);
              if (lower_has_prefix (s, j, not_after[k]) &&
                  (!alnum_at (s, e) || (s->lower[e] == 's' && !alnum_at (s, e + 1))))
                ok = FALSE;
            }
        }
      if (ok && value < 10000 && span_free (s, i, span_end))
        add (s, SD_ENTITY_QUANTITY, i, span_end, g_strdup_printf ("%d", value), 0);
      i = MAX (span_end, i + 1) - 1;
    }
}

/* --- catalogue ---------------------------------------------------------------------- */

/* Optimal string alignment distance ≤ 1 between two UTF-8 words (by bytes: the fuzzy
 * vocabulary is Latin). */
static gboolean
within_one_edit (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  if (la > lb + 1 || lb > la + 1)
    return FALSE;
  gsize i = 0;
  while (i < la && i < lb && a[i] == b[i])
    i++;
  if (i == la && i == lb)
    return TRUE;
  if (la == lb)
    {
      if (strcmp (a + i + 1, b + i + 1) == 0)
        return TRUE;    /* substitution */
      return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
             strcmp (a + i + 2, b + i + 2) == 0;   /* transposition */
    }
  return la > lb ? strcmp (a + i + 1, b + i) == 0 : strcmp (a + i, b + i + 1) == 0;
}

/* The concepts of the shop's own lexicon @word names, or NULL for none. */
static GPtrArray *
word_concepts (const char *word)
{
  const SdChatConcepts *concepts = sd_chat_concepts_builtin ();
  GPtrArray *found = g_ptr_array_new ();

  if (concepts)
    sd_chat_concepts_find_in_text (concepts, word, found);
  if (found->len == 0)
    g_clear_pointer (&found, g_ptr_array_unref);
  return found;
}

/* A word of the shop's own lexicon ("stock", "order", "refund") is meant as written, not a
 * typo of a catalogue word one letter away ("stick", "border"). */
static gboolean
names_concept (const char *word)
{
  g_autoptr(GPtrArray) found = word_concepts (word);

  return found != NULL;
}

/* "thanks", "yes", "hello" alone are said to the bot, not of a product, even where a title
 * ends with them ("WOOD STAMP SET THANK YOU"). */
static gboolean
names_social_concept (const char *word)
{
  static const char *const social[] = { "thanks", "yes", "no", "greeting", "goodbye", NULL };
  g_autoptr(GPtrArray) found = word_concepts (word);

  for (guint i = 0; found && i < found->len; i++)
    if (g_strv_contains (social, found->pdata[i]))
      return TRUE;
  return FALSE;
}

static const char *
vocab_word (SdEntityExtractor *self, const char *canon)
{
  gpointer key;
  if (g_hash_table_lookup_extended (self->postings, canon, &key, NULL))
    return key;
  if (g_utf8_strlen (canon, -1) < 5 || names_concept (canon))
    return NULL;
  for (guint i = 0; i < self->fuzzy->len; i++)
    if (within_one_edit (canon, self->fuzzy->pdata[i]))
      return self->fuzzy->pdata[i];
  return NULL;
}

/* Terms that contain every vocabulary word of @vocab[from..to] (a bridged word, NULL, is
 * none). */
static GArray *
intersect (SdEntityExtractor *self, const char **vocab, guint from, guint to)
{
  GArray *first = g_hash_table_lookup (self->postings, vocab[from]);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint a = 0; a < first->len; a++)
    {
      guint t = g_array_index (first, guint, a);
      gboolean all = TRUE;
      for (guint w = from + 1; w <= to && all; w++)
        {
          GArray *post = vocab[w] ? g_hash_table_lookup (self->postings, vocab[w]) : NULL;
          gboolean found = post == NULL;
          for (guint b = 0; post && b < post->len && !found; b++)
            found = g_array_index (post, guint, b) == t;
          all = found;
        }
      if (all)
        g_array_append_val (out, t);
    }
  return out;
}

/* Whether the vocabulary word at @k is one of those at @from up to it. */
static gboolean
said_before (const char **vocab, guint from, guint k)
{
  for (guint w = from; w < k; w++)
    if (vocab[w] && strcmp (vocab[w], vocab[k]) == 0)
      return TRUE;
  return FALSE;
}

/* The vocabulary words of @vocab[from..to]. */
static guint
n_vocab (const char **vocab, guint from, guint to)
{
  guint n = 0;
  for (guint w = from; w <= to; w++)
    n += vocab[w] != NULL;
  return n;
}

static void
scan_catalogue_latin (SdEntityExtractor *self, Scan *s)
{
  if (self->terms->len == 0)
    return;
  g_autoptr(GArray) words = split_words (s->text);
  guint n = words->len;
  g_autofree const char **vocab = g_new0 (const char *, n + 1);
  /* a number or a little word of titles inside a name ("paper chain kit 50's christmas",
   * "jam making set with jars"), which no term is found by, but which does not end the name
   * either; not the words of a sentence ("is the mug in the box?" names a mug and a box) */
  static const char *const title_words[] = { "set", "of", "with", "and", NULL };
  g_autofree gboolean *bridge = g_new0 (gboolean, n + 1);
  for (guint i = 0; i < n; i++)
    {
      Word *w = &g_array_index (words, Word, i);
      gboolean number = g_ascii_isdigit (w->canon[0]);
      if (!span_free (s, w->start, w->end))
        continue;
      if (!number && !is_stopword (w->canon))
        vocab[i] = vocab_word (self, w->canon);
      bridge[i] = number || g_strv_contains (title_words, w->canon);
    }

  for (guint i = 0; i < n;)
    {
      if (vocab[i] == NULL)
        {
          i++;
          continue;
        }
      /* no longer than a term, nor a word twice: "hello hello hello …" is not one
       * product that has "hello" in its title; two little words may stand between two */
      guint run_end = i;
      for (;;)
        {
          guint next = run_end + 1;
          while (next < n && !vocab[next] && bridge[next] && next - run_end <= 2)
            next++;
          if (next >= n || !vocab[next] || n_vocab (vocab, i, run_end) >= self->max_words ||
              said_before (vocab, i, next))
            break;
          run_end = next;
        }
      /* the longest span from i that some term contains and that is nameable */
      gboolean matched = FALSE;
      for (guint j = run_end + 1; j-- > i && !matched;)
        {
          if (vocab[j] == NULL)
            continue;
          if (j == i && (!g_hash_table_contains (self->heads, vocab[i]) || names_social_concept (vocab[i])))
            break;
          g_autoptr(GArray) hits = intersect (self, vocab, i, j);
          if (hits->len == 0)
            continue;
          guint named = n_vocab (vocab, i, j);
          const Term *best = NULL;
          for (guint h = 0; h < hits->len; h++)
            {
              const Term *t = self->terms->pdata[g_array_index (hits, guint, h)];
              /* a category named in full beats products; then the shortest title */
              gboolean full_cat = t->kind == SD_ENTITY_CATEGORY && t->n_words == named;
              gboolean best_full = best && best->kind == SD_ENTITY_CATEGORY && best->n_words == named;
              if (best == NULL || (full_cat && !best_full) ||
                  (full_cat == best_full && t->kind == best->kind && t->n_words < best->n_words) ||
                  (!best_full && !full_cat && t->kind == SD_ENTITY_PRODUCT && best->kind != SD_ENTITY_PRODUCT))
                best = t;
            }
          gsize start = g_array_index (words, Word, i).start;
          gsize end = g_array_index (words, Word, j).end;
          GString *value = g_string_new (NULL);
          for (guint w = i; w <= j; w++)
            if (vocab[w])
              g_string_append_printf (value, "%s%s", value->len ? " " : "", vocab[w]);
          if (best->kind == SD_ENTITY_CATEGORY)
            add (s, SD_ENTITY_CATEGORY, start, end, g_strdup (best->value), 0);
          else
            add (s, SD_ENTITY_PRODUCT, start, end, g_strdup (value->str), best->ref_id);
          g_string_free (value, TRUE);
          matched = TRUE;
          i = j + 1;
        }
      if (!matched)
        i++;
    }
}

static void
scan_catalogue_cjk (SdEntityExtractor *self, Scan *s)
{
  if (g_hash_table_size (self->cjk) == 0)
    return;
  for (const char *p = s->text; *p;)
    {
      if (!sd_unichar_is_cjk (g_utf8_get_char (p)) || s->taken[p - s->text])
        {
          p = g_utf8_next_char (p);
          continue;
        }
      /* the run's character offsets, then the longest dictionary match from here */
      const char *ends[MAX_CJK_TERM_CHARS + 1];
      guint n = 0;
      const char *q = p;
      while (*q && n < MAX_CJK_TERM_CHARS && sd_unichar_is_cjk (g_utf8_get_char (q)))
        ends[n++] = q = g_utf8_next_char (q);
      gboolean matched = FALSE;
      for (guint k = n; k >= 2 && !matched; k--)
        {
          g_autofree char *cand = g_strndup (p, ends[k - 1] - p);
          guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->cjk, cand));
          gsize start = p - s->text, end = ends[k - 1] - s->text;
          if (index == 0 || !span_free (s, start, end))
            continue;
          const Term *t = self->terms->pdata[index - 1];
          add (s, t->kind, start, end,
               g_strdup (t->kind == SD_ENTITY_CATEGORY ? t->value : cand), t->ref_id);
          p = ends[k - 1];
          matched = TRUE;
        }
      if (!matched)
        p = g_utf8_next_char (p);
    }
}

static int
compare_start (gconstpointer a, gconstpointer b)
{
  const SdEntity *x = *(SdEntity **) a, *y = *(SdEntity **) b;
  return x->start < y->start ? -1 : x->start > y->start;
}

GPtrArray *
sd_entity_extractor_extract (SdEntityExtractor *self,
                             const char        *text,
                             GDateTime         *now)
{
  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_entity_free);
  if (text == NULL)
    return out;
  gsize len = strlen (text);
  if (len > MAX_TEXT_BYTES || !g_utf8_validate (text, len, NULL))
    return out;

  Scan s = { text, len, g_ascii_strdown (text, len), g_new0 (guint8, len + 1), out };
  g_autoptr(GDateTime) local_now = now ? g_date_time_ref (now) : g_date_time_new_now_local ();
  g_date_clear (&s.today, 1);
  g_date_set_dmy (&s.today, g_date_time_get_day_of_month (local_now),
                  g_date_time_get_month (local_now), g_date_time_get_year (local_now));

  scan_email (&s);
  scan_prefixed_orders (&s);
  scan_money (&s);
  scan_dates (&s);
  scan_phones (&s);
  scan_bare_orders (&s);
  scan_quantities (&s);
  scan_catalogue_latin (self, &s);
  scan_catalogue_cjk (self, &s);

  g_free (s.lower);
  g_free (s.taken);
  g_ptr_array_sort (out, compare_start);
  return out;
}

/* TRUE when @text has a Han character. */
static gboolean
has_han (const char *text, const char *end)
{
  for (const char *p = text; p < end && *p; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* Whether a product span is a name the classifiers would stumble on: two words or more
 * ("woodland storage box"), or three Chinese characters or more (北欧玻璃台灯). A single
 * word (mug, 台灯) is the kind of name the intent corpus is written with, and a one-word
 * match is the likeliest to be an ordinary word that some title happens to end with. */
static gboolean
maskable (const SdEntity *e)
{
  if (e->kind != SD_ENTITY_PRODUCT || e->text == NULL)
    return FALSE;
  if (has_han (e->text, e->text + strlen (e->text)))
    return g_utf8_strlen (e->text, -1) >= 3;
  return strchr (e->text, ' ') != NULL;
}

char *
sd_entity_mask_products (const char *text,
                         GPtrArray  *entities)
{
  g_return_val_if_fail (text != NULL, NULL);
  gsize len = strlen (text);
  /* one of the product names the intent corpus is written with, so the classifiers see a
   * product where they learnt one; chosen on inner folds of the corpus's English groups
   * naming a product, with an Online Retail title in its place (tests/test-chat-quality.c,
   * /chat-quality/inner-folds): lamp 0.858, mug 0.842, item 0.820, thing 0.818, product
   * 0.792, one 0.782; the titles as they are 0.724, the corpus's own names 0.852 */
  const char *word = has_han (text, text + len) ? "台灯" : "lamp";
  GString *out = g_string_sized_new (len);
  gsize at = 0;

  for (guint i = 0; entities && i < entities->len; i++)
    {
      const SdEntity *e = entities->pdata[i];
      /* entities come ordered by start and do not overlap; anything else is left as is */
      if (!maskable (e) || e->start < at || e->end > len || e->start >= e->end)
        continue;
      g_string_append_len (out, text + at, e->start - at);
      g_string_append (out, word);
      at = e->end;
    }
  g_string_append (out, text + at);
  return g_string_free (out, FALSE);
}

/* --- which products a name fits ------------------------------------------------------- */

static gboolean
starts_cjk (const char *text)
{
  return text && *text && sd_unichar_is_cjk (g_utf8_get_char (text));
}

static void
add_product_once (GArray     *ids,
                  GHashTable *seen,
                  gint64      id)
{
  if (id <= 0 || g_hash_table_contains (seen, &id))
    return;
  g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
  g_array_append_val (ids, id);
}

/* Whether the term at @index is posted under @word. */
static gboolean
posted_under (SdEntityExtractor *self,
              const char        *word,
              guint              index)
{
  GArray *post = g_hash_table_lookup (self->postings, word);

  for (guint i = 0; post && i < post->len; i++)
    if (g_array_index (post, guint, i) == index)
      return TRUE;
  return FALSE;
}

GArray *
sd_entity_extractor_products_named (SdEntityExtractor *self,
                                    const SdEntity    *e,
                                    gboolean          *in_full)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gboolean full = FALSE;

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), ids);
  if (e == NULL || e->kind != SD_ENTITY_PRODUCT || e->value == NULL || *e->value == '\0')
    goto out;
  if (starts_cjk (e->value))
    {
      /* the name is a piece of a Chinese title: each title that has it */
      for (guint i = 0; i < self->terms->len; i++)
        {
          const Term *t = self->terms->pdata[i];
          if (t->kind != SD_ENTITY_PRODUCT || !starts_cjk (t->value) || strstr (t->value, e->value) == NULL)
            continue;
          add_product_once (ids, seen, t->ref_id);
          full |= strcmp (t->value, e->value) == 0;
        }
      goto out;
    }

  {
    /* the dictionary's words the name was found by: each title posted under all of them */
    g_auto(GStrv) words = g_strsplit (e->value, " ", -1);
    guint n_words = g_strv_length (words);
    GArray *first = n_words ? g_hash_table_lookup (self->postings, words[0]) : NULL;
    guint distinct = 0;

    for (guint w = 0; w < n_words; w++)
      {
        gboolean again = FALSE;
        for (guint v = 0; v < w; v++)
          again |= strcmp (words[v], words[w]) == 0;
        distinct += !again;
      }
    for (guint i = 0; first && i < first->len; i++)
      {
        guint index = g_array_index (first, guint, i);
        const Term *t = self->terms->pdata[index];
        gboolean all = t->kind == SD_ENTITY_PRODUCT;

        for (guint w = 1; w < n_words && all; w++)
          all = posted_under (self, words[w], index);
        if (!all)
          continue;
        add_product_once (ids, seen, t->ref_id);
        /* a title with no word but those named: the customer gave it whole */
        full |= t->n_posted <= distinct;
      }
  }

out:
  if (in_full)
    *in_full = full;
  return ids;
}

/* The products (ids, into @out) whose names are posted under @word. */
static void
products_under (SdEntityExtractor *self,
                const char        *word,
                GHashTable        *out)
{
  GArray *post = g_hash_table_lookup (self->postings, word);

  for (guint i = 0; post && i < post->len; i++)
    {
      const Term *t = self->terms->pdata[g_array_index (post, guint, i)];
      if (t->kind == SD_ENTITY_PRODUCT && t->ref_id > 0)
        g_hash_table_add (out, g_memdup2 (&t->ref_id, sizeof t->ref_id));
    }
}

/* Whether a product of @having is one of @wanted. */
static gboolean
any_of (GHashTable *having,
        GHashTable *wanted)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, having);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (wanted, key))
      return TRUE;
  return FALSE;
}

/* Whether @part is one of the parts of the hyphened word @word. */
static gboolean
hyphen_part (const char *word,
             const char *part)
{
  gsize n = strlen (part);

  if (strchr (word, '-') == NULL)
    return FALSE;
  for (const char *p = strstr (word, part); p; p = strstr (p + 1, part))
    if ((p == word || p[-1] == '-') && (p[n] == '\0' || p[n] == '-'))
      return TRUE;
  return FALSE;
}

GArray *
sd_entity_extractor_narrow (SdEntityExtractor *self,
                            GArray            *ids,
                            const char        *text)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree guint *score = NULL;
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) counted = g_hash_table_new (g_str_hash, g_str_equal);
  guint best = 0;

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), out);
  if (ids == NULL || ids->len == 0 || text == NULL || !g_utf8_validate (text, -1, NULL) ||
      strlen (text) > MAX_TEXT_BYTES)
    return out;
  score = g_new0 (guint, ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_insert (wanted, g_memdup2 (&g_array_index (ids, gint64, i), sizeof (gint64)),
                         GUINT_TO_POINTER (i + 1));

  /* Latin: each dictionary word of the reply (a typo mended) that a title has, once; a
   * word none of them has is about something else ("how much is the gift wrap?" is no
   * answer about mugs, though one is a MUG W GIFT BOX) */
  {
    g_autoptr(GArray) words = split_words (text);
    for (guint w = 0; w < words->len; w++)
      {
        const char *canon = g_array_index (words, Word, w).canon;
        gboolean little = is_stopword (canon) || g_ascii_isdigit (canon[0]);
        const char *vocab = little ? NULL : vocab_word (self, canon);
        g_autoptr(GHashTable) having = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
        GHashTableIter iter;
        gpointer key;
        gboolean any = FALSE;

        if (vocab)
          products_under (self, vocab, having);
        if (!little && g_utf8_strlen (canon, -1) >= 3 && !any_of (having, wanted))
          {
            /* a part of a hyphened word of the names ("hearts": Heart-Print) */
            g_hash_table_iter_init (&iter, self->postings);
            while (g_hash_table_iter_next (&iter, &key, NULL))
              if (hyphen_part (key, canon))
                products_under (self, key, having);
            if (vocab == NULL && g_hash_table_size (having))
              vocab = canon;   /* lives as long as @words */
          }
        if (vocab == NULL || g_hash_table_contains (counted, vocab) || names_social_concept (vocab))
          continue;
        g_hash_table_add (counted, (gpointer) vocab);
        g_hash_table_iter_init (&iter, having);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          {
            guint at = GPOINTER_TO_UINT (g_hash_table_lookup (wanted, key));
            if (at)
              score[at - 1]++;
            any |= at != 0;
          }
        if (!any)
          return out;
      }
  }

  /* Chinese: the pairs of characters of the reply a title has ("玻璃的" → 玻璃) */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      const char *q = g_utf8_next_char (p);
      if (*q && sd_unichar_is_cjk (g_utf8_get_char (p)) && sd_unichar_is_cjk (g_utf8_get_char (q)))
        g_ptr_array_add (pairs, g_strndup (p, g_utf8_next_char (q) - p));
    }
  if (pairs->len)
    {
      g_autofree guint *cjk = g_new0 (guint, ids->len);
      for (guint i = 0; i < self->terms->len; i++)
        {
          const Term *t = self->terms->pdata[i];
          guint at = t->kind == SD_ENTITY_PRODUCT && starts_cjk (t->value)
                     ? GPOINTER_TO_UINT (g_hash_table_lookup (wanted, &t->ref_id)) : 0;
          guint n = 0;
          if (at == 0)
            continue;
          for (guint k = 0; k < pairs->len; k++)
            n += strstr (t->value, pairs->pdata[k]) != NULL;
          cjk[at - 1] = MAX (cjk[at - 1], n);
        }
      for (guint i = 0; i < ids->len; i++)
        score[i] += cjk[i];
    }

  for (guint i = 0; i < ids->len; i++)
    best = MAX (best, score[i]);
  for (guint i = 0; best > 0 && i < ids->len; i++)
    if (score[i] == best)
      g_array_append_val (out, g_array_index (ids, gint64, i));
  return out;
}

/* Levenshtein distance between two short Latin words (by bytes), G_MAXUINT past 63. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint prev[64], cur[64];

  if (la > 63 || lb > 63)
    return G_MAXUINT;
  for (gsize j = 0; j <= lb; j++)
    prev[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      cur[0] = i;
      for (gsize j = 1; j <= lb; j++)
        cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] != b[j - 1]));
      memcpy (prev, cur, (lb + 1) * sizeof (guint));
    }
  return prev[lb];
}

/* Whether the dictionary word @known looks like @word: one begins the other (four letters
 * or more: "lampshade", "lamp"), or a letter differs (two in words of eight letters or
 * more: two in "jumper" would make it a hamper, a number or summer). */
static gboolean
looks_like (const char *known,
            const char *word)
{
  gsize lk = strlen (known), lw = strlen (word);

  if (lk >= 4 && lw >= 4 && (g_str_has_prefix (word, known) || g_str_has_prefix (known, word)))
    return TRUE;
  return lk >= 4 && lw >= 4 && edit_distance (known, word) <= (lk >= 8 && lw >= 8 ? 2u : 1u);
}

GArray *
sd_entity_extractor_products_like (SdEntityExtractor *self,
                                   const char        *word)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), ids);
  if (word == NULL || *word == '\0' || !g_utf8_validate (word, -1, NULL) || strlen (word) > 120)
    return ids;
  if (starts_cjk (word))
    {
      /* the head noun comes last in Chinese: the longest tail of @word some title has,
       * without the noun suffixes a title seldom writes (杯子 → 杯: 马克杯) */
      g_autofree char *stem = g_strdup (word);
      for (gboolean cut = TRUE; cut;)
        {
          gsize n = strlen (stem);
          cut = FALSE;
          static const char *const suffixes[] = { "子", "儿", "们" };
          for (guint k = 0; k < G_N_ELEMENTS (suffixes); k++)
            if (n > strlen (suffixes[k]) && g_str_has_suffix (stem, suffixes[k]))
              {
                stem[n - strlen (suffixes[k])] = '\0';
                cut = TRUE;
                break;
              }
        }
      for (const char *tail = stem; *tail && ids->len == 0; tail = g_utf8_next_char (tail))
        for (guint i = 0; i < self->terms->len; i++)
          {
            const Term *t = self->terms->pdata[i];
            if (t->kind == SD_ENTITY_PRODUCT && starts_cjk (t->value) && strstr (t->value, tail))
              add_product_once (ids, seen, t->ref_id);
          }
      return ids;
    }

  g_autofree char *canon = canonical_word (word, -1);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, self->postings);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (looks_like (key, canon))
      {
        GArray *post = g_hash_table_lookup (self->postings, key);
        for (guint i = 0; i < post->len; i++)
          {
            const Term *t = self->terms->pdata[g_array_index (post, guint, i)];
            if (t->kind == SD_ENTITY_PRODUCT)
              add_product_once (ids, seen, t->ref_id);
          }
      }
  return ids;
}

SdNameWord
sd_entity_extractor_word_kind (SdEntityExtractor *self,
                               const char        *word)
{
  g_autofree char *canon = NULL;

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), SD_NAME_WORD_LITTLE);
  if (word == NULL || !g_utf8_validate (word, -1, NULL) || strlen (word) > 120)
    return SD_NAME_WORD_LITTLE;
  canon = canonical_word (word, -1);
  if (*canon == '\0' || g_ascii_isdigit (canon[0]) || is_stopword (canon))
    return SD_NAME_WORD_LITTLE;
  if (vocab_word (self, canon))
    return SD_NAME_WORD_KNOWN;
  /* "tv", "xl": too short to tell a name from an abbreviation */
  return g_utf8_strlen (canon, -1) >= 3 ? SD_NAME_WORD_UNKNOWN : SD_NAME_WORD_LITTLE;
}

GArray *
sd_entity_extractor_products_with_words (SdEntityExtractor *self,
                                         const char        *words)
{
  SdEntity named = { SD_ENTITY_PRODUCT, 0, 0, NULL, NULL, 0 };
  g_autoptr(GString) value = g_string_new (NULL);

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), g_array_new (FALSE, FALSE, sizeof (gint64)));
  if (words == NULL || !g_utf8_validate (words, -1, NULL) || strlen (words) > MAX_TEXT_BYTES)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  if (starts_cjk (words))
    g_string_append (value, words);
  else
    {
      g_autoptr(GArray) split = split_words (words);
      for (guint i = 0; i < split->len; i++)
        {
          const char *canon = g_array_index (split, Word, i).canon;
          const char *vocab;
          if (g_ascii_isdigit (canon[0]) || is_stopword (canon))
            continue;
          if (!(vocab = vocab_word (self, canon)))
            return g_array_new (FALSE, FALSE, sizeof (gint64));   /* a word no name has */
          g_string_append_printf (value, "%s%s", value->len ? " " : "", vocab);
        }
    }
  named.value = value->str;
  return sd_entity_extractor_products_named (self, &named, NULL);
}
