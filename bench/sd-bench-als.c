/* sd-bench-als.c — ALS seconds per iteration and the GFLOP/s of its BLAS part, next to
 * the dgemm GFLOP/s this machine reaches in the same run
 *
 *   sd-bench-als --dgemm 2000
 *   sd-bench-als --movielens DIR/u1.base --movielens DIR/u1.test [--factors 64] [--iterations 5] [--threads 1] [--solver cholesky]
 *   sd-bench-als --db SHOP.sqlite ...
 *
 * Each run prints one tab-separated line; bench/als.sh runs it on several data sets and
 * prints the table.
 */
#include "config.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sd-als.h"
#include "sd-store.h"

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Best of @reps timings of C = A B for n × n matrices, in GFLOP/s. */
static double
bench_gemm (int  n,
            int  reps,
            gboolean single)
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

  for (int r = 0; r < reps; r++)
    {
      double start = now (), seconds;

      if (single)
        cblas_sgemm (CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, As, n, Bs, n, 0.0f, Cs, n);
      else
        cblas_dgemm (CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A, n, B, n, 0.0, C, n);
      seconds = now () - start;
      best = MAX (best, 2.0 * n * n * (double) n / seconds / 1e9);
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
  int dgemm = 0, factors = 64, iterations = 5, threads = 1;
  char **movielens = NULL;
  char *db = NULL, *solver = NULL;
  GOptionEntry entries[] = {
    { "dgemm", 0, 0, G_OPTION_ARG_INT, &dgemm, "Time dgemm and sgemm on N × N matrices", "N" },
    { "movielens", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &movielens, "A MovieLens ratings file (repeat for several)", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "A shop (its interaction matrix with the default weights)", "SHOP" },
    { "factors", 0, 0, G_OPTION_ARG_INT, &factors, "Factors (64)", "K" },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Iterations (5)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Solver threads, 1 or 2 (1)", "N" },
    { "solver", 0, 0, G_OPTION_ARG_STRING, &solver, "cholesky or cg", "SOLVER" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— ALS and dgemm speed");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autofree char *text = NULL;
  SdAlsStats stats;
  double load_start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (dgemm > 0)
    {
      /* the reference the ALS rate is compared with, on as many BLAS threads as ALS uses */
      openblas_set_num_threads (threads);
      printf ("dgemm\t%d\t%d\t%.2f\t%.2f\n", dgemm, threads,
              bench_gemm (dgemm, 3, FALSE), bench_gemm (dgemm, 3, TRUE));
      return 0;
    }

  load_start = now ();
  if (movielens)
    train = read_movielens (movielens, &error);
  else if (db)
    {
      g_autoptr(SdStore) store = sd_store_open (db, &error);

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
  g_printerr ("loaded %u × %u, %zu cells in %.1f s\n", train->n_users, train->n_items, train->nnz, now () - load_start);

  model = sd_recommender_new ("als", &error);
  text = g_strdup_printf ("%d", factors);
  if (!sd_recommender_set_param (model, "factors", text, &error))
    goto fail;
  g_free (text);
  text = g_strdup_printf ("%d", iterations);
  if (!sd_recommender_set_param (model, "iterations", text, &error))
    goto fail;
  g_free (text);
  text = g_strdup_printf ("%d", threads);
  if (!sd_recommender_set_param (model, "threads", text, &error))
    goto fail;
  if (solver && !sd_recommender_set_param (model, "solver", solver, &error))
    goto fail;
  if (!sd_recommender_fit (model, train, NULL, &error))
    goto fail;

  sd_als_get_stats (SD_ALS (model), &stats);
  /* users items nnz factors threads solver s/iter BLAS-GFLOP/iter GFLOP/s-in-BLAS GFLOP/s-whole */
  printf ("als\t%u\t%u\t%zu\t%d\t%d\t%s\t%.4f\t%.3f\t%.2f\t%.2f\n",
          train->n_users, train->n_items, train->nnz, factors, threads, solver ? solver : "cholesky",
          stats.seconds / stats.iterations, stats.flops / stats.iterations / 1e9,
          /* blas_seconds is summed over the solver threads, which run side by side */
          stats.flops / (stats.blas_seconds / threads) / 1e9,
          stats.flops / stats.seconds / 1e9);
  return 0;

fail:
  g_printerr ("%s\n", error->message);
  return 1;
}
