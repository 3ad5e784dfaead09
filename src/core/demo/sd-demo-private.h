/* sd-demo-private.h — the hand-written word lists the demo shop is built from
 *
 * Products are adjective + variant (colour or scent) + material + noun, in English and
 * Chinese. A noun lists the materials it can be made of, so combinations stay sensible
 * ("cast iron casserole dish", never "cast iron cushion cover").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SD_DEMO_MAX_WORDS 16

typedef struct {
  const char *en;     /* as in a sentence: "sage green", "USB-C hub" */
  const char *zh;
  const char *tags;   /* comma-separated English tags, may be NULL */
} SdDemoWord;

typedef struct {
  const char *en;
  const char *zh;
  int         price_pence;   /* the plain version's price */
  guint       materials;     /* bit i: materials[i] suits this noun */
} SdDemoNoun;

typedef enum {
  SD_DEMO_VARIANT_NONE,
  SD_DEMO_VARIANT_COLOUR,
  SD_DEMO_VARIANT_SCENT,
} SdDemoVariantKind;

typedef struct {
  const char        *name;        /* products.category */
  const char        *zh;
  const char        *code;        /* SKU prefix */
  int                weight;      /* share of the catalogue */
  SdDemoVariantKind  variant;
  guint              coloured;    /* bit i: materials[i] comes in colours */
  const char        *material_en; /* "Made from %s." */
  const char        *material_zh; /* "采用%s制作。" */
  SdDemoWord         adjectives[SD_DEMO_MAX_WORDS];
  SdDemoWord         materials[SD_DEMO_MAX_WORDS];
  SdDemoNoun         nouns[SD_DEMO_MAX_WORDS];
  const char        *openers_en[3];   /* %s: the noun */
  const char        *openers_zh[3];
} SdDemoCategory;

typedef struct {
  const char *name_en;
  const char *name_zh;
  const char *primary[3];     /* category names, NULL-terminated */
  const char *secondary[4];
  const char *tags[5];
} SdDemoTasteGroup;

typedef struct {
  const char *display;
  const char *ascii;          /* for e-mail addresses: pinyin, no accents */
} SdDemoName;

typedef enum {
  SD_DEMO_NAMES_EN,
  SD_DEMO_NAMES_DE,
  SD_DEMO_NAMES_FR,
  SD_DEMO_NAMES_ZH,
  SD_DEMO_N_NAME_POOLS
} SdDemoNamePool;

typedef struct {
  const char     *name;
  const char     *region;     /* shipping region key */
  int             weight;
  SdDemoNamePool  names;
} SdDemoCountry;

typedef struct {
  const SdDemoName *given;
  guint             n_given;
  const SdDemoName *family;
  guint             n_family;
} SdDemoNames;

extern const SdDemoCategory   sd_demo_categories[];
extern const guint            sd_demo_n_categories_;
extern const SdDemoWord       sd_demo_colours[];
extern const guint            sd_demo_n_colours;
extern const SdDemoWord       sd_demo_scents[];
extern const guint            sd_demo_n_scents;
extern const SdDemoWord       sd_demo_collections[];
extern const guint            sd_demo_n_collections;
extern const SdDemoTasteGroup sd_demo_taste_groups[];
extern const guint            sd_demo_n_taste_groups_;
extern const SdDemoCountry    sd_demo_countries[];
extern const guint            sd_demo_n_countries;
extern const SdDemoNames      sd_demo_names[SD_DEMO_N_NAME_POOLS];
extern const char *const      sd_demo_closings_en[];
extern const char *const      sd_demo_closings_zh[];
extern const guint            sd_demo_n_closings;

/* Review texts by language and mood; "{n}" is the noun, "{m}" the material. */
typedef enum { SD_DEMO_MOOD_NEGATIVE, SD_DEMO_MOOD_NEUTRAL, SD_DEMO_MOOD_POSITIVE, SD_DEMO_N_MOODS } SdDemoMood;
extern const char *const     *sd_demo_reviews_en[SD_DEMO_N_MOODS];
extern const char *const     *sd_demo_reviews_zh[SD_DEMO_N_MOODS];
extern const guint            sd_demo_n_reviews_en[SD_DEMO_N_MOODS];
extern const guint            sd_demo_n_reviews_zh[SD_DEMO_N_MOODS];

typedef struct {
  const char *key;
  const char *value;
} SdDemoSetting;
extern const SdDemoSetting    sd_demo_settings[];
extern const guint            sd_demo_n_settings;

G_END_DECLS
