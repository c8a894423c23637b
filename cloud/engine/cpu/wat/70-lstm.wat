;; @module LSTM recurrence (cloud/engine/lstm/kernels.ts): per timestep the (rows, H)·W_hhᵀ product through $gemm_strip on a pre-packed W_hh, then the gate math 4 lanes at a time; batch rows are independent, so threads split them.

  ;; σ(x) = 1/(1 + e^−x) and tanh(x) = 2σ(2x) − 1 per lane ($exp4 clamps, so both saturate without inf/NaN).
  (func $sigmoid4 (param $x v128) (result v128)
    (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.neg (local.get $x))))))
  (func $tanh4 (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.div (f32x4.splat (f32.const 2)) (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.mul (local.get $x) (f32x4.splat (f32.const -2))))))
      (f32x4.splat (f32.const 1))))

  ;; Forward cell of 4 lanes. ga: the pre-activations a_i (then a_f, a_g, a_o each gs bytes further), overwritten
  ;; with the activated gates; cp: c_{t−1} (read only when hasPrev); writes c_t at co and h_t at ho.
  (func $lstm_cell_fwd4 (param $ga i32) (param $gs i32) (param $cp i32) (param $hasPrev i32) (param $co i32) (param $ho i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128)
    (local.set $i (call $sigmoid4 (v128.load (local.get $ga))))
    (local.set $f (call $sigmoid4 (v128.load (i32.add (local.get $ga) (local.get $gs)))))
    (local.set $g (call $tanh4 (v128.load (i32.add (local.get $ga) (i32.shl (local.get $gs) (i32.const 1))))))
    (local.set $o (call $sigmoid4 (v128.load (i32.add (local.get $ga) (i32.mul (local.get $gs) (i32.const 3))))))
    (local.set $c (f32x4.mul (local.get $i) (local.get $g)))
    (if (local.get $hasPrev) (then (local.set $c (f32x4.add (f32x4.mul (local.get $f) (v128.load (local.get $cp))) (local.get $c)))))
    (v128.store (local.get $ga) (local.get $i))
    (v128.store (i32.add (local.get $ga) (local.get $gs)) (local.get $f))
    (v128.store (i32.add (local.get $ga) (i32.shl (local.get $gs) (i32.const 1))) (local.get $g))
    (v128.store (i32.add (local.get $ga) (i32.mul (local.get $gs) (i32.const 3))) (local.get $o))
    (v128.store (local.get $co) (local.get $c))
    (v128.store (local.get $ho) (f32x4.mul (local.get $o) (call $tanh4 (local.get $c)))))

  ;; Backward cell of 4 lanes: reads the activated gates at ga (blocks gs bytes apart), c_t at ca, c_{t−1} at cp
  ;; (when hasPrev), dh_t at dha, the carried dh (from step t+1) at dhn and dc at dcn; writes the pre-activation
  ;; gradients at dga (blocks gs apart) and the carried dc·f back to dcn.
  (func $lstm_cell_bwd4 (param $ga i32) (param $gs i32) (param $dga i32) (param $ca i32) (param $cp i32) (param $hasPrev i32) (param $dha i32) (param $dhn i32) (param $dcn i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $tc v128) (local $dh v128) (local $dc v128) (local $cprev v128) (local $one v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $i (v128.load (local.get $ga)))
    (local.set $f (v128.load (i32.add (local.get $ga) (local.get $gs))))
    (local.set $g (v128.load (i32.add (local.get $ga) (i32.shl (local.get $gs) (i32.const 1)))))
    (local.set $o (v128.load (i32.add (local.get $ga) (i32.mul (local.get $gs) (i32.const 3)))))
    (local.set $tc (call $tanh4 (v128.load (local.get $ca))))
    (local.set $dh (f32x4.add (v128.load (local.get $dha)) (v128.load (local.get $dhn))))
    (local.set $dc (f32x4.add (v128.load (local.get $dcn))
      (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $tc) (local.get $tc))))))
    (if (local.get $hasPrev) (then (local.set $cprev (v128.load (local.get $cp)))))
    (v128.store (local.get $dga)
      (f32x4.mul (f32x4.mul (local.get $dc) (local.get $g)) (f32x4.mul (local.get $i) (f32x4.sub (local.get $one) (local.get $i)))))
    (v128.store (i32.add (local.get $dga) (local.get $gs))
      (f32x4.mul (f32x4.mul (local.get $dc) (local.get $cprev)) (f32x4.mul (local.get $f) (f32x4.sub (local.get $one) (local.get $f)))))
    (v128.store (i32.add (local.get $dga) (i32.shl (local.get $gs) (i32.const 1)))
      (f32x4.mul (f32x4.mul (local.get $dc) (local.get $i)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $g) (local.get $g)))))
    (v128.store (i32.add (local.get $dga) (i32.mul (local.get $gs) (i32.const 3)))
      (f32x4.mul (f32x4.mul (local.get $dh) (local.get $tc)) (f32x4.mul (local.get $o) (f32x4.sub (local.get $one) (local.get $o)))))
    (v128.store (local.get $dcn) (f32x4.mul (local.get $dc) (local.get $f))))

  ;; Copies n < 4 floats from src to the 16-byte slot dst (the rest of the slot is left as it is).
  (func $lstm_in (param $dst i32) (param $src i32) (param $n i32)
    (memory.copy (local.get $dst) (local.get $src) (i32.shl (local.get $n) (i32.const 2))))

  ;; One forward row (b, t) of H lanes: gates row ga (4H), c_{t−1} at cp (hasPrev), c_t at co, h_t at ho. The last
  ;; H mod 4 lanes go through the 112-byte scratch scr as padded 4-lane slots.
  (func $lstm_row_fwd (param $ga i32) (param $cp i32) (param $hasPrev i32) (param $co i32) (param $ho i32) (param $H i32) (param $scr i32)
    (local $j i32) (local $n i32) (local $gs i32) (local $q i32) (local $a i32)
    (local.set $gs (i32.shl (local.get $H) (i32.const 2)))
    (block $d (loop $l
      (br_if $d (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $H)))
      (local.set $a (i32.shl (local.get $j) (i32.const 2)))
      (call $lstm_cell_fwd4 (i32.add (local.get $ga) (local.get $a)) (local.get $gs) (i32.add (local.get $cp) (local.get $a)) (local.get $hasPrev)
        (i32.add (local.get $co) (local.get $a)) (i32.add (local.get $ho) (local.get $a)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l)))
    (local.set $n (i32.sub (local.get $H) (local.get $j)))
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $a (i32.shl (local.get $j) (i32.const 2)))
    ;; scr: 4 gate slots (0..64), c_{t−1} (64), c_t (80), h_t (96)
    (memory.fill (local.get $scr) (i32.const 0) (i32.const 112))
    (loop $qi
      (call $lstm_in (i32.add (local.get $scr) (i32.shl (local.get $q) (i32.const 4))) (i32.add (i32.add (local.get $ga) (local.get $a)) (i32.mul (local.get $q) (local.get $gs))) (local.get $n))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $qi (i32.lt_s (local.get $q) (i32.const 4))))
    (if (local.get $hasPrev) (then (call $lstm_in (i32.add (local.get $scr) (i32.const 64)) (i32.add (local.get $cp) (local.get $a)) (local.get $n))))
    (call $lstm_cell_fwd4 (local.get $scr) (i32.const 16) (i32.add (local.get $scr) (i32.const 64)) (local.get $hasPrev) (i32.add (local.get $scr) (i32.const 80)) (i32.add (local.get $scr) (i32.const 96)))
    (local.set $q (i32.const 0))
    (loop $qo
      (call $lstm_in (i32.add (i32.add (local.get $ga) (local.get $a)) (i32.mul (local.get $q) (local.get $gs))) (i32.add (local.get $scr) (i32.shl (local.get $q) (i32.const 4))) (local.get $n))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $qo (i32.lt_s (local.get $q) (i32.const 4))))
    (call $lstm_in (i32.add (local.get $co) (local.get $a)) (i32.add (local.get $scr) (i32.const 80)) (local.get $n))
    (call $lstm_in (i32.add (local.get $ho) (local.get $a)) (i32.add (local.get $scr) (i32.const 96)) (local.get $n)))

  ;; One backward row (b, t): as $lstm_cell_bwd4 over H lanes; the tail through the 208-byte scratch scr.
  (func $lstm_row_bwd (param $ga i32) (param $dga i32) (param $ca i32) (param $cp i32) (param $hasPrev i32) (param $dha i32) (param $dhn i32) (param $dcn i32) (param $H i32) (param $scr i32)
    (local $j i32) (local $n i32) (local $gs i32) (local $q i32) (local $a i32)
    (local.set $gs (i32.shl (local.get $H) (i32.const 2)))
    (block $d (loop $l
      (br_if $d (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $H)))
      (local.set $a (i32.shl (local.get $j) (i32.const 2)))
      (call $lstm_cell_bwd4 (i32.add (local.get $ga) (local.get $a)) (local.get $gs) (i32.add (local.get $dga) (local.get $a)) (i32.add (local.get $ca) (local.get $a))
        (i32.add (local.get $cp) (local.get $a)) (local.get $hasPrev) (i32.add (local.get $dha) (local.get $a)) (i32.add (local.get $dhn) (local.get $a)) (i32.add (local.get $dcn) (local.get $a)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l)))
    (local.set $n (i32.sub (local.get $H) (local.get $j)))
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $a (i32.shl (local.get $j) (i32.const 2)))
    ;; scr: 4 gate slots (0..64), 4 dgate slots (64..128), c_t (128), c_{t−1} (144), dh_t (160), dhn (176), dcn (192)
    (memory.fill (local.get $scr) (i32.const 0) (i32.const 208))
    (loop $qi
      (call $lstm_in (i32.add (local.get $scr) (i32.shl (local.get $q) (i32.const 4))) (i32.add (i32.add (local.get $ga) (local.get $a)) (i32.mul (local.get $q) (local.get $gs))) (local.get $n))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $qi (i32.lt_s (local.get $q) (i32.const 4))))
    (call $lstm_in (i32.add (local.get $scr) (i32.const 128)) (i32.add (local.get $ca) (local.get $a)) (local.get $n))
    (if (local.get $hasPrev) (then (call $lstm_in (i32.add (local.get $scr) (i32.const 144)) (i32.add (local.get $cp) (local.get $a)) (local.get $n))))
    (call $lstm_in (i32.add (local.get $scr) (i32.const 160)) (i32.add (local.get $dha) (local.get $a)) (local.get $n))
    (call $lstm_in (i32.add (local.get $scr) (i32.const 176)) (i32.add (local.get $dhn) (local.get $a)) (local.get $n))
    (call $lstm_in (i32.add (local.get $scr) (i32.const 192)) (i32.add (local.get $dcn) (local.get $a)) (local.get $n))
    (call $lstm_cell_bwd4 (local.get $scr) (i32.const 16) (i32.add (local.get $scr) (i32.const 64)) (i32.add (local.get $scr) (i32.const 128)) (i32.add (local.get $scr) (i32.const 144))
      (local.get $hasPrev) (i32.add (local.get $scr) (i32.const 160)) (i32.add (local.get $scr) (i32.const 176)) (i32.add (local.get $scr) (i32.const 192)))
    (local.set $q (i32.const 0))
    (loop $qo
      (call $lstm_in (i32.add (i32.add (local.get $dga) (local.get $a)) (i32.mul (local.get $q) (local.get $gs))) (i32.add (local.get $scr) (i32.add (i32.const 64) (i32.shl (local.get $q) (i32.const 4)))) (local.get $n))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $qo (i32.lt_s (local.get $q) (i32.const 4))))
    (call $lstm_in (i32.add (local.get $dcn) (local.get $a)) (i32.add (local.get $scr) (i32.const 192)) (local.get $n)))

  ;; Forward recurrence of batch rows b0..b1 over all T steps. gates (B,T,4H) holds the input projection
  ;; W_ih·x_t + b on entry; step t adds h_{t−1}·W_hhᵀ (P = pack_b of W_hhᵀ: K = H, N = 4H) to rows (b, t) and
  ;; activates them, writing c, h (B,T,H). tmp: gemm scratch (256·4 + 32 floats); scr: 112 bytes.
  (func (export "lstm_fwd_rec") (param $b0 i32) (param $b1 i32) (param $T i32) (param $H i32) (param $h i32) (param $c i32) (param $gates i32) (param $P i32) (param $tmp i32) (param $scr i32)
    (local $t i32) (local $b i32) (local $r i32) (local $G i32) (local $bt i32) (local $hb i32) (local $gb i32)
    (local.set $G (i32.shl (local.get $H) (i32.const 2)))
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $gb (i32.shl (local.get $G) (i32.const 2)))
    (block $td (loop $tl
      (br_if $td (i32.ge_s (local.get $t) (local.get $T)))
      (if (i32.gt_s (local.get $t) (i32.const 0)) (then
        (local.set $r (local.get $b0))
        (block $rd (loop $rl
          (br_if $rd (i32.ge_s (local.get $r) (local.get $b1)))
          (call $gemm_strip (i32.add (local.get $h) (i32.mul (i32.sub (local.get $t) (i32.const 1)) (local.get $hb))) (i32.mul (local.get $T) (local.get $H)) (i32.const 1)
            (i32.const 0) (local.get $H) (local.get $P) (local.get $H) (i32.shr_s (i32.add (local.get $G) (i32.const 7)) (i32.const 3)) (local.get $G)
            (i32.add (local.get $gates) (i32.mul (local.get $t) (local.get $gb))) (i32.mul (local.get $T) (local.get $G)) (local.get $r) (local.get $b1) (i32.const 0) (i32.const 1) (local.get $tmp))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $rl)))))
      (local.set $b (local.get $b0))
      (block $bd (loop $bl
        (br_if $bd (i32.ge_s (local.get $b) (local.get $b1)))
        (local.set $bt (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)))
        (call $lstm_row_fwd (i32.add (local.get $gates) (i32.mul (local.get $bt) (local.get $gb)))
          (i32.add (local.get $c) (i32.mul (i32.sub (local.get $bt) (i32.const 1)) (local.get $hb))) (i32.gt_s (local.get $t) (i32.const 0))
          (i32.add (local.get $c) (i32.mul (local.get $bt) (local.get $hb))) (i32.add (local.get $h) (i32.mul (local.get $bt) (local.get $hb))) (local.get $H) (local.get $scr))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl)))
  )

  ;; Backward recurrence of batch rows b0..b1, t = T−1 down to 0: writes dgates (B,T,4H) from dh (B,T,H) and the
  ;; forward's gates, c; the carried gradients live in dhn, dcn (B,H) (zeroed here for these rows), and
  ;; dhn = dgates_t·W_hh goes through $gemm_strip on P = pack_b of W_hh (K = 4H, N = H). tmp, scr as the forward (208 bytes).
  (func (export "lstm_bwd_rec") (param $b0 i32) (param $b1 i32) (param $T i32) (param $H i32) (param $dgates i32) (param $dh i32) (param $c i32) (param $gates i32) (param $P i32)
      (param $dhn i32) (param $dcn i32) (param $tmp i32) (param $scr i32)
    (local $t i32) (local $b i32) (local $r i32) (local $G i32) (local $bt i32) (local $hb i32) (local $gb i32)
    (local.set $G (i32.shl (local.get $H) (i32.const 2)))
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $gb (i32.shl (local.get $G) (i32.const 2)))
    (memory.fill (i32.add (local.get $dhn) (i32.mul (local.get $b0) (local.get $hb))) (i32.const 0) (i32.mul (i32.sub (local.get $b1) (local.get $b0)) (local.get $hb)))
    (memory.fill (i32.add (local.get $dcn) (i32.mul (local.get $b0) (local.get $hb))) (i32.const 0) (i32.mul (i32.sub (local.get $b1) (local.get $b0)) (local.get $hb)))
    (local.set $t (i32.sub (local.get $T) (i32.const 1)))
    (block $td (loop $tl
      (br_if $td (i32.lt_s (local.get $t) (i32.const 0)))
      (local.set $b (local.get $b0))
      (block $bd (loop $bl
        (br_if $bd (i32.ge_s (local.get $b) (local.get $b1)))
        (local.set $bt (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)))
        (call $lstm_row_bwd (i32.add (local.get $gates) (i32.mul (local.get $bt) (local.get $gb))) (i32.add (local.get $dgates) (i32.mul (local.get $bt) (local.get $gb)))
          (i32.add (local.get $c) (i32.mul (local.get $bt) (local.get $hb))) (i32.add (local.get $c) (i32.mul (i32.sub (local.get $bt) (i32.const 1)) (local.get $hb))) (i32.gt_s (local.get $t) (i32.const 0))
          (i32.add (local.get $dh) (i32.mul (local.get $bt) (local.get $hb))) (i32.add (local.get $dhn) (i32.mul (local.get $b) (local.get $hb))) (i32.add (local.get $dcn) (i32.mul (local.get $b) (local.get $hb)))
          (local.get $H) (local.get $scr))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl)))
      (if (i32.gt_s (local.get $t) (i32.const 0)) (then
        (local.set $r (local.get $b0))
        (block $rd (loop $rl
          (br_if $rd (i32.ge_s (local.get $r) (local.get $b1)))
          (call $gemm_strip (i32.add (local.get $dgates) (i32.mul (local.get $t) (local.get $gb))) (i32.mul (local.get $T) (local.get $G)) (i32.const 1)
            (i32.const 0) (local.get $G) (local.get $P) (local.get $G) (i32.shr_s (i32.add (local.get $H) (i32.const 7)) (i32.const 3)) (local.get $H)
            (local.get $dhn) (local.get $H) (local.get $r) (local.get $b1) (i32.const 0) (i32.const 0) (local.get $tmp))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $rl)))))
      (local.set $t (i32.sub (local.get $t) (i32.const 1)))
      (br $tl)))
  )
