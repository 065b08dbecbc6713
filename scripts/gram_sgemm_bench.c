/* Gram-matrix products of the style loss on oneDNN's sgemm, planar vs channels-last
 * (BENCHMARKS.md, "Per iteration against PyTorch"). For VGG19's five style layers at a
 * 512x512 image, the best of 7 runs of:
 *   planar        [N, M]: G = F F^T (NT),      gradient (G - A) F (NN, N x M)
 *   channels-last [M, N]: G = F^T F (TN),      gradient F (G - A)  (NN, M x N)
 * Build and run: gcc -O2 scripts/gram_sgemm_bench.c -o /tmp/gram_bench -ldnnl && /tmp/gram_bench
 */
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    const int shapes[5][2] = {{64, 262144}, {128, 65536}, {256, 16384}, {512, 4096}, {512, 1024}};
    double total[2][2] = {{0, 0}, {0, 0}};
    for (int s = 0; s < 5; s++) {
        const int n = shapes[s][0], m = shapes[s][1];
        float *f = malloc(sizeof(float) * n * m), *g = malloc(sizeof(float) * n * n), *d = calloc((size_t)n * m, sizeof(float));
        if (!f || !g || !d) return 1;
        for (long i = 0; i < (long)n * m; i++) f[i] = (i % 97) * 0.01f;
        for (int layout = 0; layout < 2; layout++) {
            double gram = 1e9, grad = 1e9;
            for (int r = 0; r < 7; r++) {
                double t0 = now();
                if (layout == 0) dnnl_sgemm('N', 'T', n, n, m, 1.0f, f, m, f, m, 0.0f, g, n);
                else dnnl_sgemm('T', 'N', n, n, m, 1.0f, f, n, f, n, 0.0f, g, n);
                double t1 = now();
                if (layout == 0) dnnl_sgemm('N', 'N', n, m, n, 1.0f, g, n, f, m, 1.0f, d, m);
                else dnnl_sgemm('N', 'N', m, n, n, 1.0f, f, n, g, n, 1.0f, d, n);
                double t2 = now();
                if (t1 - t0 < gram) gram = t1 - t0;
                if (t2 - t1 < grad) grad = t2 - t1;
            }
            printf("N=%3d M=%6d %-13s gram %6.2f ms  gradient %6.2f ms\n", n, m,
                   layout ? "channels-last" : "planar", gram * 1e3, grad * 1e3);
            total[layout][0] += gram;
            total[layout][1] += grad;
        }
        free(f); free(g); free(d);
    }
    for (int layout = 0; layout < 2; layout++)
        printf("total %-13s gram %.1f ms  gradient %.1f ms\n", layout ? "channels-last" : "planar",
               total[layout][0] * 1e3, total[layout][1] * 1e3);
    return 0;
}
