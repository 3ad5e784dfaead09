/* sd-entities-private.h — what the files of the entity extractor share
 *
 * sd-entities.c holds the type, its catalogue and one extraction pass over a message;
 * each kind of entity is scanned in a file of its own.
 */
#pragma once

#include "sd-entities.h"

G_BEGIN_DECLS

#define MAX_TEXT_BYTES (64 * 1024)
#define MAX_CJK_TERM_CHARS 16

typedef struct {
  gsize start, end;
  char *canon;
} Word;

typedef struct {
  const char *text;
  gsize       len;
  char       *lower;   /* ASCII-lowercased copy, same offsets */
  guint8     *taken;
  GPtrArray  *out;
  GDate       today;
} SdScan;

/* A catalogue term. Latin terms are matched word by word; CJK terms as substrings. */
typedef struct {
  SdEntityKind kind;
  char        *value;
  gint64       ref_id;
  guint        n_words;
  guint        n_posted;   /* the distinct words it is found by (numbers and little words aside) */
} SdCatalogTerm;

struct _SdEntityExtractor
{
  GObject     parent_instance;

  GPtrArray  *terms;      /* SdCatalogTerm * */
  GHashTable *postings;   /* canonical word → GArray of guint term index */
  GHashTable *heads;      /* canonical words that may stand alone (set) */
  GPtrArray  *fuzzy;      /* canonical words of ≥ 5 letters, for typo matching */
  GHashTable *cjk;        /* CJK string → GUINT term index + 1 */
  guint       max_words;  /* the most content words of a term */
};

/* sd-entities-catalogue.c */
gboolean sd_entities_names_social_concept (const char *word);
void sd_entity_extractor_scan_catalogue_cjk (SdEntityExtractor *self, SdScan *s);
void sd_entity_extractor_scan_catalogue_latin (SdEntityExtractor *self, SdScan *s);
const char *sd_entity_extractor_vocab_word (SdEntityExtractor *self, const char *canon);

/* sd-entities-dates.c */
int sd_entities_zh_number (const char *p, gsize *len);
void sd_scan_dates (SdScan *s);

/* sd-entities-money.c */
void sd_scan_money (SdScan *s);

/* sd-entities-quantities.c */
void sd_scan_quantities (SdScan *s);

/* sd-entities.c */
char *sd_entities_canonical_word (const char *word, gssize len);
gboolean sd_entities_is_stopword (const char *w);
GArray *sd_entities_split_words (const char *text);
void sd_scan_add (SdScan *s, SdEntityKind kind, gsize start, gsize end, char *value, gint64 ref);
gboolean sd_scan_alnum_at (SdScan *s, gssize i);
gboolean sd_scan_boundary_before (SdScan *s, gsize i);
gsize sd_scan_digits_at (SdScan *s, gsize i);
gboolean sd_scan_lower_has_prefix (SdScan *s, gsize i, const char *prefix);
gboolean sd_scan_span_free (SdScan *s, gsize start, gsize end);

G_END_DECLS
