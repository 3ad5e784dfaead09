/* sd-bench-als.c — ALS seconds per iteration and the GFLOP/s of its BLAS part, next to
 * the dgemm GFLOP/s this machine reaches in the same run
 *
 *   sd-bench-als --dgemm 2000
 *   sd-bench-als --movielens DIR/u1.base --movielens DIR/u1.test [--factors 64] [--iterations 5] [--threads 2]
 *                [--variants cg:float,cholesky:float,cg:double,cholesky:double]
 *   sd-bench-als --db SHOP.sqlite ...      (opened as it is: never migrated or created)
 *
 * Each run prints one tab-separated line; bench/als.sh runs it on several data sets and
 * prints the table.
 */
#include "config.h"

#include <cblas.h>
#include <lapack.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>

#include "sd-als.h"
#include "sd-store.h"

static double
clock_now (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
now (void)
{
  return clock_now (CLOCK_MONOTONIC);
}

/* Best of @reps timings of C = A B for n × n matrices, in GFLOP/s per core: flops over
 * the process's CPU time, which other work on a shared machine does not inflate (ALS's
 * rate is measured the same way, over its threads' CPU time). @wall gets the wall rate. */
static double
bench_gemm (int  n,
            int  reps,
            gboolean single,
            double  *wall)
{
  double best = 0;
  gsize size = (gsize) n * n;
  double *A = NULL, *B = NULL, *C = NULL;
  float *As = NULL, *Bs = NULL, *Cs = NULL;

  if (single)
    {
      As = g_new (float, size);
      Bs = g_new (float, size);
      Cs = g_new0 (float, size);
      for (gsize i = 0; i < size; i++)
        {
          As[i] = (float) ((i % 97) * 0.01);
          Bs[i] = (float) ((i % 89) * 0.01);
        }
    }
  else
    {
      A = g_new (double, size);
      B = g_new (double, size);
      C = g_new0 (double, size);
      for (gsize i = 0; i < size; i++)
        {
          A[i] = (i % 97) * 0.01;
          B[i] = (i % 89) * 0.01;
        }
    }

  *wall = 0;
  for (int r = 0; r < reps; r++)
    {
      double start = now (), start_cpu = clock_now (CLOCK_PROCESS_CPUTIME_ID);
      double flops = 2.0 * n * n * (double) n;

      if (single)
        cblas_sgemm (CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, As, n, Bs, n, 0.0f, Cs, n);
      else
        cblas_dgemm (CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A, n, B, n, 0.0, C, n);
      *wall = MAX (*wall, flops / (now () - start) / 1e9);
      best = MAX (best, flops / (clock_now (CLOCK_PROCESS_CPUTIME_ID) - start_cpu) / 1e9);
    }

  g_free (A);
  g_free (B);
  g_free (C);
  g_free (As);
  g_free (Bs);
  g_free (Cs);
  return best;
}

/* All ratings of the given files (u1.base and u1.test together are the 100,000). */
/* One ALS row solve (A = G + λI + B Bᵀ, then A x = b by Cholesky) for k factors and n
 * items, in double and in single precision: microseconds per solve, best of a few runs.
 * Tells whether keeping the factors in float would pay. */
static void
bench_row_kernel (int k,
                  int n)
{
  int reps = 2000, one = 1, info = 0;
  double best_d = G_MAXDOUBLE, best_s = G_MAXDOUBLE;
  g_autofree double *G = g_new (double, k * k);
  g_autofree double *A = g_new (double, k * k);
  g_autofree double *B = g_new (double, (gsize) k * n);
  g_autofree double *b = g_new (double, k);
  g_autofree float *Gs = g_new (float, k * k);
  g_autofree float *As = g_new (float, k * k);
  g_autofree float *Bs = g_new (float, (gsize) k * n);
  g_autofree float *bs = g_new (float, k);

  for (int i = 0; i < k * k; i++)
    G[i] = (i / k == i % k) ? 100.0 : 0.01 * ((i * 7) % 13);
  for (int i = 0; i < k * n; i++)
    B[i] = 0.01 * ((i * 11) % 17);
  for (int i = 0; i < k * k; i++)
    Gs[i] = (float) G[i];
  for (int i = 0; i < k * n; i++)
    Bs[i] = (float) B[i];

  for (int run = 0; run < 3; run++)
    {
      double start = now ();

      for (int r = 0; r < reps; r++)
        {
          memcpy (A, G, sizeof (double) * k * k);
          for (int f = 0; f < k; f++)
            b[f] = 1.0;
          cblas_dsyrk (CblasColMajor, CblasLower, CblasNoTrans, k, n, 1.0, B, k, 1.0, A, k);
          LAPACK_dposv ("L", &k, &one, A, &k, b, &k, &info);
        }
      best_d = MIN (best_d, (now () - start) / reps);

      start = now ();
      for (int r = 0; r < reps; r++)
        {
          memcpy (As, Gs, sizeof (float) * k * k);
          for (int f = 0; f < k; f++)
            bs[f] = 1.0f;
          cblas_ssyrk (CblasColMajor, CblasLower, CblasNoTrans, k, n, 1.0f, Bs, k, 1.0f, As, k);
          LAPACK_sposv ("L", &k, &one, As, &k, bs, &k, &info);
        }
      best_s = MIN (best_s, (now () - start) / reps);
    }
  printf ("kernel\t%d\t%d\t%.2f\t%.2f\t%.2f\n", k, n, best_d * 1e6, best_s * 1e6, best_d / best_s);
}

static SdInteractions *
read_movielens (char      **paths,
                GError    **error)
{
  SdInteractionsBuilder *builder = sd_interactions_builder_new ();

  for (guint f = 0; paths[f]; f++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (paths[f], &text, NULL, error))
        {
          sd_interactions_builder_free (builder);
          return NULL;
        }
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        {
          long long u, it, t;
          int rating;

          if (sscanf (lines[i], "%lld\t%lld\t%d\t%lld", &u, &it, &rating, &t) == 4)
            sd_interactions_builder_add (builder, u, it, 1.0f, t);
        }
    }
  return sd_interactions_builder_build (builder);
}

int
main (int argc, char *argv[])
{
  int dgemm = 0, factors = 64, iterations = 5, threads = 2, kernel = 0;
  char **movielens = NULL;
  char *db = NULL;
  g_autofree char *variants = g_strdup ("cg:float");
  g_auto(GStrv) variant_list = NULL;
  GOptionEntry entries[] = {
    { "dgemm", 0, 0, G_OPTION_ARG_INT, &dgemm, "Time dgemm and sgemm on N × N matrices", "N" },
    { "kernel", 0, 0, G_OPTION_ARG_INT, &kernel, "Time one row solve with N items, double against float", "N" },
    { "movielens", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &movielens, "A MovieLens ratings file (repeat for several)", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "A shop (its interaction matrix with the default weights)", "SHOP" },
    { "factors", 0, 0, G_OPTION_ARG_INT, &factors, "Factors (64)", "K" },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Iterations (5)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Solver threads, 1 or 2 (2)", "N" },
    { "variants", 0, 0, G_OPTION_ARG_STRING, &variants, "Comma-separated solver:precision runs on the same matrix (cg:float)", "LIST" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— ALS and dgemm speed");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdInteractions) train = NULL;
  SdAlsStats stats;
  struct rusage usage;
  double load_start, load_seconds;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (dgemm > 0)
    {
      /* the reference the ALS rate is compared with, on as many BLAS threads as ALS uses */
      double d, s_, d_wall, s_wall;

      openblas_set_num_threads (threads);
      d = bench_gemm (dgemm, 3, FALSE, &d_wall);
      s_ = bench_gemm (dgemm, 3, TRUE, &s_wall);
      /* n threads per-core-GFLOP/s(dgemm, sgemm) wall-GFLOP/s(dgemm, sgemm) */
      printf ("dgemm\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\n", dgemm, threads, d, s_, d_wall, s_wall);
      return 0;
    }

  if (kernel > 0)
    {
      openblas_set_num_threads (1);
      bench_row_kernel (factors, kernel);
      return 0;
    }

  load_start = now ();
  if (movielens)
    train = read_movielens (movielens, &error);
  else if (db)
    {
      g_autoptr(SdStore) store = sd_store_open_full (db, SD_STORE_OPEN_EXISTING, &error);

      if (store)
        train = sd_interactions_from_store (store, NULL, NULL, &error);
    }
  else
    {
      g_printerr ("Give --dgemm N, --movielens FILE or --db SHOP\n");
      return 2;
    }
  if (train == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  load_seconds = now () - load_start;

  /* Each variant on the same matrix, with dgemm timed right before it (same load). The
   * peak is the process's so far: run the lighter variants first. */
  variant_list = g_strsplit (variants, ",", -1);
  for (guint v = 0; variant_list[v]; v++)
    {
      g_autoptr(SdRecommender) model = sd_recommender_new ("als", &error);
      g_auto(GStrv) parts = g_strsplit (variant_list[v], ":", 2);
      g_autofree char *text_factors = g_strdup_printf ("%d", factors);
      g_autofree char *text_iterations = g_strdup_printf ("%d", iterations);
      g_autofree char *text_threads = g_strdup_printf ("%d", threads);
      double dgemm_rate, dgemm_wall;

      if (parts[0] == NULL || parts[1] == NULL)
        {
          g_printerr ("A variant is solver:precision, e.g. cg:float, not “%s”\n", variant_list[v]);
          return 2;
        }
      openblas_set_num_threads (1);
      dgemm_rate = bench_gemm (2000, 2, FALSE, &dgemm_wall);
      if (!sd_recommender_set_param (model, "factors", text_factors, &error) ||
          !sd_recommender_set_param (model, "iterations", text_iterations, &error) ||
          !sd_recommender_set_param (model, "threads", text_threads, &error) ||
          !sd_recommender_set_param (model, "solver", parts[0], &error) ||
          !sd_recommender_set_param (model, "precision", parts[1], &error) ||
          !sd_recommender_fit (model, train, NULL, &error))
        goto fail;

      sd_als_get_stats (SD_ALS (model), &stats);
      getrusage (RUSAGE_SELF, &usage);
      /* users items nnz factors threads solver/precision s/iter CPU-s/iter GFLOP/iter
       * GFLOP/s-per-core-in-BLAS GFLOP/s-per-core-whole dgemm-GFLOP/s-per-core peak-MB load-s */
      printf ("als\t%u\t%u\t%zu\t%d\t%d\t%s/%s\t%.3f\t%.3f\t%.3f\t%.2f\t%.2f\t%.2f\t%.0f\t%.1f\n",
              train->n_users, train->n_items, train->nnz, factors, threads, parts[0], parts[1],
              stats.seconds / stats.iterations, stats.cpu_seconds / stats.iterations,
              stats.flops / stats.iterations / 1e9,
              /* blas_seconds is CPU time summed over the solver threads */
              stats.flops / stats.blas_seconds / 1e9,
              stats.flops / stats.cpu_seconds / 1e9,
              dgemm_rate, usage.ru_maxrss / 1024.0, load_seconds);
      fflush (stdout);
    }
  return 0;

fail:
  g_printerr ("%s\n", error->message);
  return 1;
}
