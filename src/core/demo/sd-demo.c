/* sd-demo.c — the deterministic demo shop generator
 *
 * Determinism: one xoshiro256** stream per product table and one per customer (seeded
 * by splitmix64 from the seed and the customer's index), integer and IEEE double
 * arithmetic only (no libm, whose last bits differ between platforms), and a fixed
 * reference date. So the same seed and size give identical rows everywhere, and a
 * customer's history does not depend on how many customers come before it.
 *
 * Speed: everything goes through a handful of statements prepared once, in one
 * transaction. The secondary indexes on the shop tables are dropped inside that
 * transaction and rebuilt at the end (a sorted build beats millions of random B-tree
 * inserts); a failure or a cancellation rolls all of it back, indexes included.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "sd-coupon-store.h"
#include "sd-demo.h"
#include "sd-json-writer.h"
#include "sd-demo-private.h"
#include "sd-error.h"
#include "sd-random.h"

#define DAY ((gint64) 86400)
/* 2026-11-01 00:00:00 UTC: the demo shop's "today". */
#define REFERENCE_TIME ((gint64) 1793491200)
#define HISTORY_DAYS 540
#define VARIANT_NONE 31

/* ---- randomness ------------------------------------------------------------------ */

typedef struct {
  guint64 s[4];
} Rng;

static void
rng_seed (Rng     *rng,
          guint64  seed,
          guint64  stream)
{
  guint64 x = seed ^ (stream * G_GUINT64_CONSTANT (0xD1B54A32D192ED03));

  for (int i = 0; i < 4; i++)
    rng->s[i] = sd_splitmix64 (&x);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
rng_next (Rng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n): the multiply-shift map, whose bias at these sizes is far below
 * anything the demo data could show. */
static inline guint32
rng_below (Rng *rng, guint32 n)
{
  return (guint32) (((rng_next (rng) >> 32) * (guint64) n) >> 32);
}

static inline double
rng_unit (Rng *rng)
{
  return (double) (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static inline gboolean
rng_chance (Rng *rng, double p)
{
  return rng_unit (rng) < p;
}

/* Chances that depend on an affinity are integer fractions (probability × 25500 for
 * affinities of 0..255): a compiler may fuse a floating-point a + b × c into one
 * rounding on one platform and not on another, and the shop would differ. */
static inline gboolean
rng_per (Rng *rng, guint32 numerator, guint32 denominator)
{
  return rng_below (rng, denominator) < numerator;
}

/* A count with mean @mean and a long tail (geometric). */
static guint
rng_geometric (Rng *rng, double mean)
{
  double go_on = mean / (1.0 + mean);
  guint k = 0;

  while (k < 10000 && rng_chance (rng, go_on))
    k++;
  return k;
}

static guint
rng_weighted (Rng *rng, const int *weights, guint n)
{
  int total = 0, pick;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  pick = (int) rng_below (rng, (guint32) total);
  for (guint i = 0; i < n; i++)
    {
      if (pick < weights[i])
        return i;
      pick -= weights[i];
    }
  return n - 1;
}

/* Walker's alias method (Vose's construction): O(1) draws from a fixed distribution,
 * which keeps 20M events over 100k products cheap. */
typedef struct {
  guint    n;
  double  *prob;
  guint32 *alias;
} Alias;

static void
alias_build (Alias        *alias,
             const double *weights,
             guint         n)
{
  g_autofree guint32 *small = g_new (guint32, n);
  g_autofree guint32 *large = g_new (guint32, n);
  g_autofree double *scaled = g_new (double, n);
  guint n_small = 0, n_large = 0;
  double total = 0;

  alias->n = n;
  alias->prob = g_new (double, n);
  alias->alias = g_new (guint32, n);

  for (guint i = 0; i < n; i++)
    total += weights[i];
  for (guint i = 0; i < n; i++)
    {
      scaled[i] = weights[i] * n / total;
      if (scaled[i] < 1.0)
        small[n_small++] = i;
      else
        large[n_large++] = i;
    }
  while (n_small > 0 && n_large > 0)
    {
      guint32 s = small[--n_small];
      guint32 l = large[--n_large];

      alias->prob[s] = scaled[s];
      alias->alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0)
        small[n_small++] = l;
      else
        large[n_large++] = l;
    }
  while (n_large > 0)
    {
      guint32 l = large[--n_large];
      alias->prob[l] = 1.0;
      alias->alias[l] = l;
    }
  while (n_small > 0)
    {
      guint32 s = small[--n_small];
      alias->prob[s] = 1.0;
      alias->alias[s] = s;
    }
}

static inline guint32
alias_draw (const Alias *alias,
            Rng         *rng)
{
  guint32 i = rng_below (rng, alias->n);

  return rng_unit (rng) < alias->prob[i] ? i : alias->alias[i];
}

static void
alias_clear (Alias *alias)
{
  g_clear_pointer (&alias->prob, g_free);
  g_clear_pointer (&alias->alias, g_free);
}

/* ---- options --------------------------------------------------------------------- */

void
sd_demo_options_init (SdDemoOptions *options)
{
  memset (options, 0, sizeof *options);
  options->seed = SD_DEMO_DEFAULT_SEED;
  sd_demo_options_for_size (options, "small", NULL);
}

gboolean
sd_demo_options_for_size (SdDemoOptions  *options,
                          const char     *size,
                          GError        **error)
{
  guint64 n;
  char *end = NULL;

  if (size == NULL || g_strcmp0 (size, "small") == 0)
    {
      options->n_customers = 2000;
      options->n_products = 500;
      options->events_per_customer = 30;
      return TRUE;
    }
  if (g_strcmp0 (size, "large") == 0)
    {
      options->n_customers = 1000000;
      options->n_products = 100000;
      options->events_per_customer = 19;
      return TRUE;
    }

  n = g_ascii_strtoull (size, &end, 10);
  if (end == size || *end != '\0' || n < 10 || n > 5000000)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Unknown demo shop size “%s”: use small, large, or a number of "
                   "customers from 10 to 5000000"), size);
      return FALSE;
    }
  options->n_customers = (guint) n;
  options->n_products = (guint) CLAMP (n / 4, 50, 100000);
  options->events_per_customer = n <= 100000 ? 30 : 19;
  return TRUE;
}

gint64
sd_demo_reference_time (void)
{
  return REFERENCE_TIME;
}

guint
sd_demo_n_taste_groups (void)
{
  return sd_demo_n_taste_groups_;
}

const char *
sd_demo_taste_group_name (guint group)
{
  g_return_val_if_fail (group < sd_demo_n_taste_groups_, NULL);
  return sd_demo_taste_groups[group].name_en;
}

guint
sd_demo_n_categories (void)
{
  return sd_demo_n_categories_;
}

const char *
sd_demo_category_name (guint category)
{
  g_return_val_if_fail (category < sd_demo_n_categories_, NULL);
  return sd_demo_categories[category].name;
}

/* ---- the generator's state ------------------------------------------------------- */

typedef struct {
  guint8  category;
  guint8  adjective;
  guint8  material;
  guint8  noun;
  guint8  variant;      /* VARIANT_NONE or an index into colours / scents */
  gint32  price;
} Product;

typedef struct {
  SdEventKind kind;
  guint32     product;
  gint64      at;
  int         quantity;
  int         rating;   /* reviews only */
  guint8      mood;
  guint8      text;     /* index into the review texts of that mood */
} Event;

typedef struct {
  gint64  at;
  guint   first_line;
  guint   n_lines;
  int     status;
} Order;

typedef struct {
  guint32 product;
  int     quantity;
} Line;

enum { ST_PAID, ST_SHIPPED, ST_DELIVERED, ST_CANCELLED, ST_REFUNDED };
static const char *const status_names[] = { "paid", "shipped", "delivered", "cancelled", "refunded" };

enum {
  STMT_PRODUCT,
  STMT_PRODUCT_TEXT,
  STMT_CUSTOMER,
  STMT_ORDER,
  STMT_LINE,
  STMT_EVENT,
  N_STMTS
};

static const char *const stmt_sql[N_STMTS] = {
  "INSERT INTO products (id, external_id, title, description, category, tags, price_cents,"
  " stock, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  "INSERT INTO product_texts (product_id, lang, title, description) VALUES (?1, 'zh_CN', ?2, ?3)",
  "INSERT INTO customers (id, external_id, name, email, country, segment, taste_group, created_at)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  "INSERT INTO orders (id, external_id, customer_id, placed_at, status, total_cents, currency,"
  " country) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'GBP', ?7)",
  "INSERT INTO order_lines (id, order_id, line_no, product_id, quantity, unit_price_cents)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  "INSERT INTO events (id, customer_id, product_id, kind, at, quantity, rating, review_text)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
};

typedef struct {
  SdStore             *store;
  const SdDemoOptions *options;
  SdDemoProgressFunc   progress;
  gpointer             user_data;
  GCancellable        *cancellable;
  SdStmt              *stmts[N_STMTS];

  guint                n_groups;
  Product             *products;
  guint8              *affinity;   /* [group * n_products + product], 0..255 */
  Alias               *group_alias;
  Alias                popularity;

  /* Per customer, reused. */
  GArray              *events;
  GArray              *orders;
  GArray              *lines;
  GArray              *reviewed;

  gint64               next_order_id;
  gint64               next_line_id;
  gint64               next_event_id;
} Gen;

static gboolean
step (Gen         *gen,
      int          which,
      GError     **error)
{
  SdStmt *stmt = gen->stmts[which];
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      sd_store_fail (gen->store, _("Could not write the demo shop"), error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
check_cancel (Gen     *gen,
              double   fraction,
              const char *text,
              GError **error)
{
  if (g_cancellable_set_error_if_cancelled (gen->cancellable, error))
    return FALSE;
  if (gen->progress)
    gen->progress (fraction, text, gen->user_data);
  return TRUE;
}

/* ---- text ------------------------------------------------------------------------ */

static gboolean
is_small_word (const char *word, gsize len)
{
  static const char *const small[] = { "of", "and", "with", "for", "to", "in" };

  for (guint i = 0; i < G_N_ELEMENTS (small); i++)
    if (strlen (small[i]) == len && strncmp (word, small[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* "heart-print sage green" → "Heart-Print Sage Green"; acronyms stay as they are. */
static void
append_title_case (GString    *out,
                   const char *phrase)
{
  gboolean word_start = TRUE;
  const char *word = phrase;

  for (const char *p = phrase; *p; p++)
    {
      char c = *p;

      if (word_start)
        {
          gsize len = strcspn (p, " -");
          word = p;
          if (g_ascii_islower (c) && !(word != phrase && is_small_word (word, len)))
            c = g_ascii_toupper (c);
        }
      g_string_append_c (out, c);
      word_start = (c == ' ' || c == '-');
    }
}

static void
append_replaced (GString    *out,
                 const char *template,
                 const char *noun,
                 const char *material)
{
  for (const char *p = template; *p; p++)
    {
      if (p[0] == '{' && p[1] && p[2] == '}')
        {
          if (p[1] == 'n')
            g_string_append (out, noun);
          else if (p[1] == 'm')
            g_string_append (out, material);
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }
}

static gboolean
tags_contain (const char *tags,
              const char *tag)
{
  gsize len = strlen (tag);

  for (const char *p = tags; p && *p; )
    {
      gsize word = strcspn (p, ",");
      if (word == len && strncmp (p, tag, len) == 0)
        return TRUE;
      p += word;
      if (*p == ',')
        p++;
    }
  return FALSE;
}

static void
append_tags (GString    *out,
             const char *tags)
{
  for (const char *p = tags; p && *p; )
    {
      gsize word = strcspn (p, ",");
      g_autofree char *tag = g_strndup (p, word);

      if (!tags_contain (out->str, tag))
        {
          if (out->len > 0)
            g_string_append_c (out, ',');
          g_string_append (out, tag);
        }
      p += word;
      if (*p == ',')
        p++;
    }
}

static const SdDemoWord *
product_variant (const Product *p)
{
  const SdDemoCategory *cat = &sd_demo_categories[p->category];

  if (p->variant == VARIANT_NONE)
    return NULL;
  return cat->variant == SD_DEMO_VARIANT_SCENT ? &sd_demo_scents[p->variant]
                                               : &sd_demo_colours[p->variant];
}

/* ---- products -------------------------------------------------------------------- */

static guint
count_words (const SdDemoWord *words)
{
  guint n = 0;

  while (n < SD_DEMO_MAX_WORDS && words[n].en)
    n++;
  return n;
}

static guint
count_nouns (const SdDemoNoun *nouns)
{
  guint n = 0;

  while (n < SD_DEMO_MAX_WORDS && nouns[n].en)
    n++;
  return n;
}

/* Every sensible (adjective, noun, material, variant) of a category, packed into
 * 5 bits each, in an order shuffled by @rng. */
static GArray *
category_combos (guint  c,
                 Rng   *rng)
{
  const SdDemoCategory *cat = &sd_demo_categories[c];
  guint n_adj = count_words (cat->adjectives);
  guint n_mat = count_words (cat->materials);
  guint n_noun = count_nouns (cat->nouns);
  GArray *combos = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint a = 0; a < n_adj; a++)
    for (guint n = 0; n < n_noun; n++)
      for (guint m = 0; m < n_mat; m++)
        {
          guint n_var = 1;

          if (!(cat->nouns[n].materials & (1u << m)))
            continue;
          if (cat->variant == SD_DEMO_VARIANT_SCENT)
            n_var = sd_demo_n_scents;
          else if (cat->variant == SD_DEMO_VARIANT_COLOUR && (cat->coloured & (1u << m)))
            n_var = sd_demo_n_colours;
          for (guint v = 0; v < n_var; v++)
            {
              guint32 packed = a | (n << 5) | (m << 10) |
                               ((n_var == 1 && cat->variant != SD_DEMO_VARIANT_SCENT
                                 ? VARIANT_NONE : v) << 15);
              g_array_append_val (combos, packed);
            }
        }

  for (guint i = combos->len; i > 1; i--)
    {
      guint j = rng_below (rng, i);
      guint32 tmp = g_array_index (combos, guint32, i - 1);
      g_array_index (combos, guint32, i - 1) = g_array_index (combos, guint32, j);
      g_array_index (combos, guint32, j) = tmp;
    }
  return combos;
}

static gboolean
make_products (Gen     *gen,
               GError **error)
{
  guint n = gen->options->n_products;
  guint n_cat = sd_demo_n_categories_;
  g_autofree int *weights = g_new (int, n_cat);
  g_autofree guint *used = g_new0 (guint, n_cat);
  g_autofree double *popularity = g_new (double, n);
  g_autofree guint32 *rank = g_new (guint32, n);
  g_autofree double *group_weights = g_new (double, n);
  g_autoptr(GPtrArray) combos = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) description = g_string_new (NULL);
  g_autoptr(GString) title_zh = g_string_new (NULL);
  g_autoptr(GString) description_zh = g_string_new (NULL);
  g_autoptr(GString) tags = g_string_new (NULL);
  Rng rng;

  rng_seed (&rng, gen->options->seed, 1);
  for (guint c = 0; c < n_cat; c++)
    {
      weights[c] = sd_demo_categories[c].weight;
      g_ptr_array_add (combos, category_combos (c, &rng));
    }

  /* Popularity follows a long tail over a random order of the catalogue. */
  for (guint i = 0; i < n; i++)
    rank[i] = i;
  for (guint i = n; i > 1; i--)
    {
      guint j = rng_below (&rng, i);
      guint32 tmp = rank[i - 1];
      rank[i - 1] = rank[j];
      rank[j] = tmp;
    }
  for (guint i = 0; i < n; i++)
    popularity[i] = 1.0 / (rank[i] + n / 20.0 + 3.0);

  gen->products = g_new0 (Product, n);
  gen->affinity = g_new0 (guint8, (gsize) n * gen->n_groups);

  for (guint i = 0; i < n; i++)
    {
      guint c = rng_weighted (&rng, weights, n_cat);
      const SdDemoCategory *cat = &sd_demo_categories[c];
      GArray *cat_combos = g_ptr_array_index (combos, c);
      guint j = used[c]++;
      guint32 packed = g_array_index (cat_combos, guint32, j % cat_combos->len);
      guint round = j / cat_combos->len;
      Product *p = &gen->products[i];
      const SdDemoWord *adj, *mat, *var;
      const SdDemoNoun *noun;
      guint opener = rng_below (&rng, 3);
      guint closing = rng_below (&rng, sd_demo_n_closings);
      int price, stock;
      gint64 created_at;
      char sku[32];

      if (g_cancellable_is_cancelled (gen->cancellable))
        return check_cancel (gen, 0, NULL, error);

      p->category = c;
      p->adjective = packed & 31;
      p->noun = (packed >> 5) & 31;
      p->material = (packed >> 10) & 31;
      p->variant = (packed >> 15) & 31;
      adj = &cat->adjectives[p->adjective];
      noun = &cat->nouns[p->noun];
      mat = &cat->materials[p->material];
      var = product_variant (p);

      /* Names: adjective, variant, material, noun, and a range name in big catalogues. */
      g_string_truncate (title, 0);
      g_string_truncate (title_zh, 0);
      append_title_case (title, adj->en);
      g_string_append (title_zh, adj->zh);
      if (var)
        {
          g_string_append_c (title, ' ');
          append_title_case (title, var->en);
          g_string_append (title_zh, var->zh);
        }
      g_string_append_c (title, ' ');
      append_title_case (title, mat->en);
      g_string_append (title_zh, mat->zh);
      g_string_append_c (title, ' ');
      append_title_case (title, noun->en);
      g_string_append (title_zh, noun->zh);
      if (round > 0)
        {
          const SdDemoWord *coll = &sd_demo_collections[(round - 1) % sd_demo_n_collections];
          guint volume = (round - 1) / sd_demo_n_collections;

          g_string_append_printf (title, ", %s Collection", coll->en);
          g_string_append_printf (title_zh, " · %s系列", coll->zh);
          if (volume > 0)
            {
              g_string_append_printf (title, " %u", volume + 1);
              g_string_append_printf (title_zh, " 第%u款", volume + 1);
            }
        }

      g_string_truncate (description, 0);
      g_string_append_printf (description, cat->openers_en[opener], noun->en);
      g_string_append_c (description, ' ');
      g_string_append_printf (description, cat->material_en, mat->en);
      g_string_truncate (description_zh, 0);
      g_string_append_printf (description_zh, cat->openers_zh[opener], noun->zh);
      g_string_append_printf (description_zh, cat->material_zh, mat->zh);
      if (var && cat->variant == SD_DEMO_VARIANT_SCENT)
        {
          if (tags_contain (var->tags, "unscented"))
            {
              g_string_append (description, " Fragrance-free, for sensitive skin.");
              g_string_append (description_zh, "无香配方，适合敏感肌。");
            }
          else
            {
              g_string_append_printf (description, " Lightly scented with %s.", var->en);
              g_string_append_printf (description_zh, "带有淡淡的%s香气。", var->zh);
            }
        }
      else if (var)
        {
          g_string_append_printf (description, " Shown here in %s.", var->en);
          g_string_append_printf (description_zh, "本款为%s。", var->zh);
        }
      g_string_append_c (description, ' ');
      g_string_append (description, sd_demo_closings_en[closing]);
      g_string_append (description_zh, sd_demo_closings_zh[closing]);

      g_string_truncate (tags, 0);
      append_tags (tags, adj->tags);
      append_tags (tags, mat->tags);
      if (var)
        append_tags (tags, var->tags);

      /* Prices end in .99 or .50, a little above the plain version for fancier words. */
      price = noun->price_pence * (85 + (int) rng_below (&rng, 41)) / 100;
      if (tags_contain (adj->tags, "luxury") || tags_contain (adj->tags, "premium") ||
          tags_contain (adj->tags, "professional") || tags_contain (adj->tags, "collectible") ||
          tags_contain (adj->tags, "handmade") || tags_contain (mat->tags, "luxury"))
        price = price * 13 / 10;
      price = MAX (2, (price + 50) / 100) * 100 - (rng_chance (&rng, 0.2) ? 50 : 1);
      p->price = price;

      if (rng_chance (&rng, 0.07))
        stock = 0;
      else if (rng_chance (&rng, 0.2))
        stock = 1 + (int) rng_below (&rng, 9);
      else
        stock = 10 + (int) rng_below (&rng, 240);
      created_at = REFERENCE_TIME - (gint64) (HISTORY_DAYS + 180) * DAY +
                   (gint64) rng_below (&rng, (HISTORY_DAYS + 120) * 86400u);

      g_snprintf (sku, sizeof sku, "%s-%05u", cat->code, i + 1);
      sqlite3_bind_int64 (gen->stmts[STMT_PRODUCT], 1, i + 1);
      sqlite3_bind_text (gen->stmts[STMT_PRODUCT], 2, sku, -1, SQLITE_STATIC);
      sqlite3_bind_text (gen->stmts[STMT_PRODUCT], 3, title->str, title->len, SQLITE_STATIC);
      sqlite3_bind_text (gen->stmts[STMT_PRODUCT], 4, description->str, description->len, SQLITE_STATIC);
      sqlite3_bind_text (gen->stmts[STMT_PRODUCT], 5, cat->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (gen->stmts[STMT_PRODUCT], 6, tags->str, tags->len, SQLITE_STATIC);
      sqlite3_bind_int (gen->stmts[STMT_PRODUCT], 7, price);
      sqlite3_bind_int (gen->stmts[STMT_PRODUCT], 8, stock);
      sqlite3_bind_int64 (gen->stmts[STMT_PRODUCT], 9, created_at);
      if (!step (gen, STMT_PRODUCT, error))
        return FALSE;

      sqlite3_bind_int64 (gen->stmts[STMT_PRODUCT_TEXT], 1, i + 1);
      sqlite3_bind_text (gen->stmts[STMT_PRODUCT_TEXT], 2, title_zh->str, title_zh->len, SQLITE_STATIC);
      sqlite3_bind_text (gen->stmts[STMT_PRODUCT_TEXT], 3, description_zh->str, description_zh->len, SQLITE_STATIC);
      if (!step (gen, STMT_PRODUCT_TEXT, error))
        return FALSE;

      /* How much each taste group likes it: mostly its category, partly its tags. */
      for (guint g = 0; g < gen->n_groups; g++)
        {
          const SdDemoTasteGroup *group = &sd_demo_taste_groups[g];
          guint cat_score = 0, tag_score = 0;
          guint matches = 0;

          for (guint k = 0; group->primary[k]; k++)
            if (strcmp (group->primary[k], cat->name) == 0)
              cat_score = 100;
          for (guint k = 0; cat_score == 0 && group->secondary[k]; k++)
            if (strcmp (group->secondary[k], cat->name) == 0)
              cat_score = 45;
          for (guint k = 0; group->tags[k]; k++)
            if (tags_contain (tags->str, group->tags[k]))
              matches++;
          tag_score = matches == 0 ? 0 : matches == 1 ? 70 : 100;
          gen->affinity[(gsize) g * n + i] = (guint8) (((75 * cat_score + 25 * tag_score) * 255 + 5000) / 10000);
        }

      if (i % 1024 == 0 &&
          !check_cancel (gen, 0.05 * i / n, _("Making products"), error))
        return FALSE;
    }

  alias_build (&gen->popularity, popularity, n);
  gen->group_alias = g_new0 (Alias, gen->n_groups);
  for (guint g = 0; g < gen->n_groups; g++)
    {
      for (guint i = 0; i < n; i++)
        {
          guint a = gen->affinity[(gsize) g * n + i];
          /* 0.04 + 4 a², in integers scaled by 25 · 255²: no multiply-add for a compiler
           * to fuse differently on another platform. */
          group_weights[i] = popularity[i] * (double) (65025 + 100 * a * a);
        }
      alias_build (&gen->group_alias[g], group_weights, n);
    }
  return TRUE;
}

/* ---- customers and their behaviour ----------------------------------------------- */

/* 0 (not this group's taste at all) to 255 (exactly it). */
static inline guint
affinity (Gen *gen, guint group, guint32 product)
{
  return gen->affinity[(gsize) group * gen->options->n_products + product];
}

static int
compare_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static int
compare_events (const void *a, const void *b)
{
  const Event *x = a, *y = b;

  if (x->at != y->at)
    return (x->at > y->at) - (x->at < y->at);
  if (x->kind != y->kind)
    return (int) x->kind - (int) y->kind;
  return (x->product > y->product) - (x->product < y->product);
}

static int
draw_rating (Rng *rng, guint a)
{
  /* Percent chances of 1..5 stars: items of the customer's taste are mostly loved. */
  static const int liked[5] = { 1, 3, 8, 33, 55 };
  static const int middling[5] = { 4, 8, 18, 35, 35 };
  static const int other[5] = { 12, 16, 27, 30, 15 };

  return 1 + (int) rng_weighted (rng, a >= 153 ? liked : a >= 77 ? middling : other, 5);
}

static void
add_event (Gen *gen, SdEventKind kind, guint32 product, gint64 at, int quantity)
{
  Event ev = { kind, product, at, quantity, 0, 0, 0 };
  g_array_append_val (gen->events, ev);
}

static gboolean
already_reviewed (Gen *gen, guint32 product)
{
  for (guint i = 0; i < gen->reviewed->len; i++)
    if (g_array_index (gen->reviewed, guint32, i) == product)
      return TRUE;
  return FALSE;
}

/* Simulates one customer's sessions into gen->events / orders / lines. */
static void
simulate (Gen     *gen,
          Rng     *rng,
          guint    group,
          gint64   created_at,
          gint64   active_until,
          double   sessions_mean)
{
  guint n_sessions = 1 + rng_geometric (rng, sessions_mean);
  g_autofree gint64 *starts = g_new (gint64, n_sessions);
  gint64 span = MAX (active_until - created_at, DAY);
  gint64 t = created_at;
  guint32 basket[16];

  for (guint s = 0; s < n_sessions; s++)
    starts[s] = created_at + (gint64) (rng_unit (rng) * (double) span);
  qsort (starts, n_sessions, sizeof (gint64), compare_gint64);

  for (guint s = 0; s < n_sessions; s++)
    {
      guint n_views = 1 + rng_geometric (rng, 1.6);
      guint n_basket = 0;

      t = MAX (t + 60, starts[s]);
      if (t >= REFERENCE_TIME - 3600)
        break;

      for (guint v = 0; v < n_views; v++)
        {
          guint32 p = rng_chance (rng, 0.75) ? alias_draw (&gen->group_alias[group], rng)
                                            : alias_draw (&gen->popularity, rng);
          guint a = affinity (gen, group, p);
          gboolean in_basket = FALSE;

          add_event (gen, SD_EVENT_VIEW, p, t, 1);
          t += 15 + rng_below (rng, 240);

          for (guint b = 0; b < n_basket; b++)
            in_basket |= basket[b] == p;
          if (in_basket || n_basket == G_N_ELEMENTS (basket) || !rng_per (rng, 2040 + 36 * a, 25500))
            continue;
          add_event (gen, SD_EVENT_CART, p, t, 1);
          t += 5 + rng_below (rng, 60);
          if (rng_per (rng, 10200 + 40 * a, 25500))
            basket[n_basket++] = p;
        }

      if (n_basket > 0)
        {
          Order order = { t, gen->lines->len, n_basket, ST_DELIVERED };
          gint64 age = REFERENCE_TIME - t;
          guint u = rng_below (rng, 1000);

          if (u < 30)
            order.status = ST_CANCELLED;
          else if (u < 45)
            order.status = ST_REFUNDED;
          else if (age < 2 * DAY)
            order.status = ST_PAID;
          else if (age < 6 * DAY)
            order.status = rng_chance (rng, 0.7) ? ST_SHIPPED : ST_DELIVERED;

          for (guint b = 0; b < n_basket; b++)
            {
              guint q = rng_below (rng, 100);
              Line line = { basket[b], q < 85 ? 1 : q < 97 ? 2 : 3 };

              g_array_append_val (gen->lines, line);
              if (order.status == ST_CANCELLED)
                continue;
              add_event (gen, SD_EVENT_PURCHASE, basket[b], t, line.quantity);

              /* Some buyers come back to review, after delivery; each product once. */
              if (rng_per (rng, 6375 + 15 * affinity (gen, group, basket[b]), 25500) &&
                  !already_reviewed (gen, basket[b]))
                {
                  gint64 at = t + 2 * DAY + rng_below (rng, 19 * 86400u);
                  int rating = draw_rating (rng, affinity (gen, group, basket[b]));

                  if (at < REFERENCE_TIME)
                    {
                      Event ev = { SD_EVENT_REVIEW, basket[b], at, 1, rating, 0, 0 };
                      ev.mood = rating >= 4 ? SD_DEMO_MOOD_POSITIVE
                              : rating == 3 ? SD_DEMO_MOOD_NEUTRAL : SD_DEMO_MOOD_NEGATIVE;
                      ev.text = rng_below (rng, 200);   /* reduced per language when written */
                      g_array_append_val (gen->events, ev);
                      g_array_append_val (gen->reviewed, basket[b]);
                      if (rating <= 2 && order.status == ST_DELIVERED && rng_chance (rng, 0.4))
                        order.status = ST_REFUNDED;
                    }
                }
            }
          g_array_append_val (gen->orders, order);
          t += 1;
        }
    }
}

static const char *
segment_of (gint64 created_at,
            guint  n_orders,
            gint64 spend,
            gint64 last_seen)
{
  if (created_at > REFERENCE_TIME - 60 * DAY)
    return "new";
  if (n_orders >= 6 || spend >= 40000)
    return "vip";
  if (last_seen < REFERENCE_TIME - 120 * DAY)
    return "at-risk";
  return "regular";
}

static gboolean
make_customer (Gen     *gen,
               guint    index,
               GString *scratch,
               GError **error)
{
  const SdDemoOptions *options = gen->options;
  int country_weights[32];
  gint64 id = index + 1;
  Rng rng;
  guint group, country;
  SdDemoNamePool pool;
  const SdDemoNames *names;
  const SdDemoName *given, *family;
  gboolean writes_chinese;
  gint64 created_at, active_until, last_seen, spend = 0;
  guint n_orders = 0;
  double mean;
  char external_id[32], name[128], email[160];
  static const char *const domains[] = { "example.com", "example.org", "example.net" };

  g_assert (sd_demo_n_countries <= G_N_ELEMENTS (country_weights));
  for (guint c = 0; c < sd_demo_n_countries; c++)
    country_weights[c] = sd_demo_countries[c].weight;

  rng_seed (&rng, options->seed, G_GUINT64_CONSTANT (0x100000000) + index);
  g_array_set_size (gen->events, 0);
  g_array_set_size (gen->orders, 0);
  g_array_set_size (gen->lines, 0);
  g_array_set_size (gen->reviewed, 0);

  group = rng_below (&rng, gen->n_groups);
  country = rng_weighted (&rng, country_weights, sd_demo_n_countries);
  pool = sd_demo_countries[country].names;
  if (pool != SD_DEMO_NAMES_ZH && rng_chance (&rng, 0.08))
    pool = SD_DEMO_NAMES_ZH;
  else if (pool == SD_DEMO_NAMES_ZH && rng_chance (&rng, 0.05))
    pool = SD_DEMO_NAMES_EN;
  names = &sd_demo_names[pool];
  given = &names->given[rng_below (&rng, names->n_given)];
  family = &names->family[rng_below (&rng, names->n_family)];
  if (pool == SD_DEMO_NAMES_ZH)
    {
      g_snprintf (name, sizeof name, "%s%s", family->display, given->display);
      writes_chinese = rng_chance (&rng, sd_demo_countries[country].names == SD_DEMO_NAMES_ZH ? 0.95 : 0.6);
    }
  else
    {
      g_snprintf (name, sizeof name, "%s %s", given->display, family->display);
      writes_chinese = FALSE;
    }
  g_snprintf (email, sizeof email, "%s.%s%" G_GINT64_FORMAT "@%s", given->ascii, family->ascii,
              id, domains[rng_below (&rng, G_N_ELEMENTS (domains))]);
  g_snprintf (external_id, sizeof external_id, "CUS-%07" G_GINT64_FORMAT, id);

  created_at = REFERENCE_TIME - (gint64) rng_below (&rng, HISTORY_DAYS * 86400u) - 3600;
  active_until = REFERENCE_TIME;
  /* A quarter of long-standing customers drift away: they make the at-risk segment. */
  if (created_at < REFERENCE_TIME - 240 * DAY && rng_chance (&rng, 0.25))
    active_until = created_at + 30 * DAY +
                   (gint64) (rng_unit (&rng) * (double) (REFERENCE_TIME - 150 * DAY - created_at - 30 * DAY));

  /* Most customers drop by now and then; a few are the shop's regulars. */
  {
    guint u = rng_below (&rng, 100);
    double base = options->events_per_customer / 4.65;
    mean = u < 55 ? 0.35 * base : u < 88 ? 1.3 * base : 3.6 * base;
  }
  simulate (gen, &rng, group, created_at, active_until, mean);

  last_seen = created_at;
  for (guint e = 0; e < gen->events->len; e++)
    last_seen = MAX (last_seen, g_array_index (gen->events, Event, e).at);
  for (guint o = 0; o < gen->orders->len; o++)
    {
      Order *order = &g_array_index (gen->orders, Order, o);
      if (order->status == ST_CANCELLED || order->status == ST_REFUNDED)
        continue;
      n_orders++;
      for (guint l = order->first_line; l < order->first_line + order->n_lines; l++)
        {
          Line *line = &g_array_index (gen->lines, Line, l);
          spend += (gint64) line->quantity * gen->products[line->product].price;
        }
    }

  sqlite3_bind_int64 (gen->stmts[STMT_CUSTOMER], 1, id);
  sqlite3_bind_text (gen->stmts[STMT_CUSTOMER], 2, external_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->stmts[STMT_CUSTOMER], 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->stmts[STMT_CUSTOMER], 4, email, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->stmts[STMT_CUSTOMER], 5, sd_demo_countries[country].name, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->stmts[STMT_CUSTOMER], 6, segment_of (created_at, n_orders, spend, last_seen),
                     -1, SQLITE_STATIC);
  sqlite3_bind_int (gen->stmts[STMT_CUSTOMER], 7, group);
  sqlite3_bind_int64 (gen->stmts[STMT_CUSTOMER], 8, created_at);
  if (!step (gen, STMT_CUSTOMER, error))
    return FALSE;

  for (guint o = 0; o < gen->orders->len; o++)
    {
      Order *order = &g_array_index (gen->orders, Order, o);
      gint64 order_id = ++gen->next_order_id;
      gint64 total = 0;

      for (guint l = order->first_line; l < order->first_line + order->n_lines; l++)
        {
          Line *line = &g_array_index (gen->lines, Line, l);
          total += (gint64) line->quantity * gen->products[line->product].price;
        }
      g_snprintf (external_id, sizeof external_id, "SD-%06" G_GINT64_FORMAT, 100000 + order_id);
      sqlite3_bind_int64 (gen->stmts[STMT_ORDER], 1, order_id);
      sqlite3_bind_text (gen->stmts[STMT_ORDER], 2, external_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (gen->stmts[STMT_ORDER], 3, id);
      sqlite3_bind_int64 (gen->stmts[STMT_ORDER], 4, order->at);
      sqlite3_bind_text (gen->stmts[STMT_ORDER], 5, status_names[order->status], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (gen->stmts[STMT_ORDER], 6, total);
      sqlite3_bind_text (gen->stmts[STMT_ORDER], 7, sd_demo_countries[country].name, -1, SQLITE_STATIC);
      if (!step (gen, STMT_ORDER, error))
        return FALSE;

      for (guint l = 0; l < order->n_lines; l++)
        {
          Line *line = &g_array_index (gen->lines, Line, order->first_line + l);

          sqlite3_bind_int64 (gen->stmts[STMT_LINE], 1, ++gen->next_line_id);
          sqlite3_bind_int64 (gen->stmts[STMT_LINE], 2, order_id);
          sqlite3_bind_int (gen->stmts[STMT_LINE], 3, l + 1);
          sqlite3_bind_int64 (gen->stmts[STMT_LINE], 4, line->product + 1);
          sqlite3_bind_int (gen->stmts[STMT_LINE], 5, line->quantity);
          sqlite3_bind_int (gen->stmts[STMT_LINE], 6, gen->products[line->product].price);
          if (!step (gen, STMT_LINE, error))
            return FALSE;
        }
    }

  qsort (gen->events->data, gen->events->len, sizeof (Event), compare_events);
  for (guint e = 0; e < gen->events->len; e++)
    {
      Event *ev = &g_array_index (gen->events, Event, e);
      SdStmt *stmt = gen->stmts[STMT_EVENT];

      sqlite3_bind_int64 (stmt, 1, ++gen->next_event_id);
      sqlite3_bind_int64 (stmt, 2, id);
      sqlite3_bind_int64 (stmt, 3, ev->product + 1);
      sqlite3_bind_int (stmt, 4, ev->kind);
      sqlite3_bind_int64 (stmt, 5, ev->at);
      sqlite3_bind_int (stmt, 6, ev->quantity);
      if (ev->kind == SD_EVENT_REVIEW)
        {
          const Product *p = &gen->products[ev->product];
          const SdDemoCategory *cat = &sd_demo_categories[p->category];
          const char *template;

          if (writes_chinese)
            template = sd_demo_reviews_zh[ev->mood][ev->text % sd_demo_n_reviews_zh[ev->mood]];
          else
            template = sd_demo_reviews_en[ev->mood][ev->text % sd_demo_n_reviews_en[ev->mood]];
          g_string_truncate (scratch, 0);
          append_replaced (scratch, template,
                           writes_chinese ? cat->nouns[p->noun].zh : cat->nouns[p->noun].en,
                           writes_chinese ? cat->materials[p->material].zh : cat->materials[p->material].en);
          sqlite3_bind_int (stmt, 7, ev->rating);
          sqlite3_bind_text (stmt, 8, scratch->str, scratch->len, SQLITE_STATIC);
        }
      else
        {
          /* Statements are reused without clearing: a review's values must not linger. */
          sqlite3_bind_null (stmt, 7);
          sqlite3_bind_null (stmt, 8);
        }
      if (!step (gen, STMT_EVENT, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- settings -------------------------------------------------------------------- */

static void
append_json_string (GString *out, const char *str)
{
  sd_json_append_string (out, str);
}

static void
append_json_list (GString *out, const char *const *items)
{
  g_string_append_c (out, '[');
  for (guint i = 0; items[i]; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_json_string (out, items[i]);
    }
  g_string_append_c (out, ']');
}

static gboolean
write_settings (Gen     *gen,
                GError **error)
{
  g_autoptr(GString) json = g_string_new (NULL);
  char number[64];

  for (guint i = 0; i < sd_demo_n_settings; i++)
    if (!sd_store_set_setting (gen->store, sd_demo_settings[i].key, sd_demo_settings[i].value, error))
      return FALSE;
  /* The demo's orders stop at a fixed day: the chatbot answers as of that day, so the
   * newest orders are still on their way however long after it the demo is shown. */
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, (gint64) REFERENCE_TIME);
  if (!sd_store_set_setting (gen->store, "shop.reference_time", number, error))
    return FALSE;

  g_string_append_c (json, '{');
  for (guint c = 0; c < sd_demo_n_countries; c++)
    {
      if (c > 0)
        g_string_append (json, ", ");
      append_json_string (json, sd_demo_countries[c].name);
      g_string_append (json, ": ");
      append_json_string (json, sd_demo_countries[c].region);
    }
  g_string_append_c (json, '}');
  if (!sd_store_set_setting (gen->store, "shipping.country_regions", json->str, error))
    return FALSE;

  g_string_assign (json, "{");
  for (guint c = 0; c < sd_demo_n_categories_; c++)
    {
      if (c > 0)
        g_string_append (json, ", ");
      append_json_string (json, sd_demo_categories[c].name);
      g_string_append (json, ": ");
      append_json_string (json, sd_demo_categories[c].zh);
    }
  g_string_append_c (json, '}');
  if (!sd_store_set_setting (gen->store, "categories.zh_CN", json->str, error))
    return FALSE;

  g_string_assign (json, "[");
  for (guint g = 0; g < gen->n_groups; g++)
    {
      const SdDemoTasteGroup *group = &sd_demo_taste_groups[g];

      g_string_append_printf (json, "%s{\"id\": %u, \"name\": ", g ? ", " : "", g);
      append_json_string (json, group->name_en);
      g_string_append (json, ", \"name_zh_CN\": ");
      append_json_string (json, group->name_zh);
      g_string_append (json, ", \"categories\": ");
      append_json_list (json, group->primary);
      g_string_append (json, ", \"also\": ");
      append_json_list (json, group->secondary);
      g_string_append (json, ", \"tags\": ");
      append_json_list (json, group->tags);
      g_string_append_c (json, '}');
    }
  g_string_append_c (json, ']');
  if (!sd_store_set_setting (gen->store, "demo.taste_groups", json->str, error))
    return FALSE;

  g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, gen->options->seed);
  if (!sd_store_set_setting (gen->store, "demo.seed", number, error))
    return FALSE;
  g_snprintf (number, sizeof number, "%u customers, %u products, %u events per customer",
              gen->options->n_customers, gen->options->n_products,
              gen->options->events_per_customer);
  if (!sd_store_set_setting (gen->store, "demo.size", number, error))
    return FALSE;
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, (gint64) REFERENCE_TIME);
  return sd_store_set_setting (gen->store, "demo.reference_time", number, error);
}

/* ---- the whole ------------------------------------------------------------------- */

static const char *const shop_tables[] = {
  "events", "order_lines", "orders", "product_texts", "products", "customers", "coupon_rules"
};

gboolean
sd_demo_store_is_empty (SdStore   *store,
                        gboolean  *empty,
                        GError   **error)
{
  SdStoreStats stats;

  if (!sd_store_get_stats (store, &stats, error))
    return FALSE;
  *empty = stats.customers == 0 && stats.products == 0 && stats.orders == 0 &&
           stats.events[0] + stats.events[1] + stats.events[2] + stats.events[3] == 0;
  return TRUE;
}

/* Secondary indexes of the shop tables, as (name, sql) pairs. */
static GPtrArray *
list_indexes (SdStore  *store,
              GError  **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                      " AND tbl_name IN ('events', 'order_lines', 'orders', 'product_texts',"
                      " 'products', 'customers') ORDER BY name", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not list the shop's indexes"), error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

static gboolean
generate_in_transaction (Gen     *gen,
                         GError **error)
{
  const SdDemoOptions *options = gen->options;
  g_autoptr(GPtrArray) indexes = NULL;
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autofree char *text = NULL;
  gboolean empty;
  guint every;

  if (!sd_demo_store_is_empty (gen->store, &empty, error))
    return FALSE;
  if (!empty && !options->force)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("“%s” already holds a shop's data; the demo shop would replace it. "
                   "Choose a new file, or force it (shopdesk-cli demo --force) to replace the data"),
                   sd_store_get_path (gen->store));
      return FALSE;
    }
  if (!empty)
    for (guint i = 0; i < G_N_ELEMENTS (shop_tables); i++)
      {
        g_autofree char *sql = g_strdup_printf ("DELETE FROM %s", shop_tables[i]);
        if (!sd_store_exec (gen->store, sql, error))
          return FALSE;
      }

  if (!(indexes = list_indexes (gen->store, error)))
    return FALSE;
  for (guint i = 0; i < indexes->len; i += 2)
    {
      g_autofree char *sql = g_strdup_printf ("DROP INDEX \"%s\"", (char *) indexes->pdata[i]);
      if (!sd_store_exec (gen->store, sql, error))
        return FALSE;
    }

  for (int s = 0; s < N_STMTS; s++)
    if (!(gen->stmts[s] = sd_store_prepare (gen->store, stmt_sql[s], error)))
      return FALSE;

  if (!check_cancel (gen, 0, _("Making products"), error) ||
      !make_products (gen, error) ||
      !write_settings (gen, error))
    return FALSE;

  every = MAX (1, options->n_customers / 500);
  for (guint c = 0; c < options->n_customers; c++)
    {
      if (c % every == 0)
        {
          g_free (text);
          text = g_strdup_printf (_("Making customers, orders and events (%u of %u)"),
                                  c, options->n_customers);
          if (!check_cancel (gen, 0.05 + 0.85 * c / options->n_customers, text, error))
            return FALSE;
        }
      if (!make_customer (gen, c, scratch, error))
        return FALSE;
    }

  for (guint i = 0; i < indexes->len; i += 2)
    {
      g_free (text);
      /* TRANSLATORS: %s names a database index */
      text = g_strdup_printf (_("Indexing (%s)"), (char *) indexes->pdata[i]);
      if (!check_cancel (gen, 0.90 + 0.09 * i / indexes->len, text, error) ||
          !sd_store_exec (gen->store, indexes->pdata[i + 1], error))
        return FALSE;
    }
  /* A few example coupon rules, so the Coupons page has something to preview. */
  if (!sd_coupon_add_examples (gen->store, error))
    return FALSE;
  return check_cancel (gen, 0.99, _("Saving"), error);
}

static int
query_int (SdStore    *store,
           const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

gboolean
sd_demo_generate (SdStore             *store,
                  const SdDemoOptions *options,
                  SdDemoProgressFunc   progress,
                  gpointer             user_data,
                  GCancellable        *cancellable,
                  GError             **error)
{
  Gen gen = { 0 };
  gboolean ok;
  int temp_store;

  g_return_val_if_fail (SD_IS_STORE (store), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  if (options->n_customers == 0 || options->n_products == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("A demo shop needs at least one customer and one product"));
      return FALSE;
    }

  gen.store = store;
  gen.options = options;
  gen.progress = progress;
  gen.user_data = user_data;
  gen.cancellable = cancellable;
  gen.n_groups = sd_demo_n_taste_groups_;
  gen.events = g_array_new (FALSE, FALSE, sizeof (Event));
  gen.orders = g_array_new (FALSE, FALSE, sizeof (Order));
  gen.lines = g_array_new (FALSE, FALSE, sizeof (Line));
  gen.reviewed = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* Rebuilding the indexes sorts millions of keys: in temporary files, not in memory
   * (the connection's usual temp_store), or a large shop needs gigabytes of RAM. */
  temp_store = query_int (store, "PRAGMA temp_store");
  if (temp_store != 1)
    sd_store_exec (store, "PRAGMA temp_store = FILE", NULL);

  ok = sd_store_begin (store, error);
  if (ok)
    {
      ok = generate_in_transaction (&gen, error) && sd_store_commit (store, error);
      for (int s = 0; s < N_STMTS; s++)
        g_clear_pointer (&gen.stmts[s], sd_stmt_release);
      if (!ok)
        sd_store_rollback (store);
    }

  if (temp_store >= 0 && temp_store != 1)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA temp_store = %d", temp_store);
      sd_store_exec (store, sql, NULL);
    }

  g_free (gen.products);
  g_free (gen.affinity);
  alias_clear (&gen.popularity);
  for (guint g = 0; gen.group_alias && g < gen.n_groups; g++)
    alias_clear (&gen.group_alias[g]);
  g_free (gen.group_alias);
  g_array_unref (gen.events);
  g_array_unref (gen.orders);
  g_array_unref (gen.lines);
  g_array_unref (gen.reviewed);

  if (ok && progress)
    progress (1.0, "Done", user_data);
  return ok;
}

/* ---- as a background job --------------------------------------------------------- */

typedef struct {
  char          *db_path;
  SdDemoOptions  options;
} JobData;

static void
job_data_free (gpointer data)
{
  JobData *job_data = data;

  g_free (job_data->db_path);
  g_free (job_data);
}

static void
job_progress (double      fraction,
              const char *text,
              gpointer    user_data)
{
  sd_job_set_progress (SD_JOB (user_data), fraction, text);
}

static gboolean
job_run (SdJob         *job,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  JobData *job_data = data;
  g_autoptr(SdStore) store = sd_store_open (job_data->db_path, error);

  if (store == NULL)
    return FALSE;
  return sd_demo_generate (store, &job_data->options, job_progress, job, cancellable, error);
}

SdJob *
sd_demo_job_new (const char          *db_path,
                 const SdDemoOptions *options)
{
  JobData *data = g_new0 (JobData, 1);

  g_return_val_if_fail (db_path != NULL, NULL);

  data->db_path = g_strdup (db_path);
  if (options)
    data->options = *options;
  else
    sd_demo_options_init (&data->options);
  return sd_job_new (_("Making the demo shop"), job_run, data, job_data_free);
}

char *
sd_demo_default_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "shopdesk", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, "demo-shop.sqlite", NULL);
}
