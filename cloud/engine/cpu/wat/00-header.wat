;; @module Module header of the cpu kernels: the shared memory import and the host imports. Fragments 01..99 are concatenated after it in file-name order.
  (import "env" "memory" (memory 1 65536 shared))
  (import "Math" "log" (func $log (param f64) (result f64)))
