;; @module The LSTM extension's memory moves (cloud/engine/lstm/kernels.ts): time average-pooling and the causal "latest completed bucket" gather, forward and backward, over batch rows b0..b1 (each output row written by one thread).

  ;; dst[0..n) += src[0..n) / d, 4 lanes at a time, scalar tail.
  (func $lstm_acc_row (param $dst i32) (param $src i32) (param $n i32) (param $d f32)
    (local $i i32) (local $dv v128)
    (local.set $dv (f32x4.splat (local.get $d)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (f32x4.div (v128.load (local.get $src)) (local.get $dv))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_s (local.get $i) (local.get $n)))
      (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.div (f32.load (local.get $src)) (local.get $d))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1))))
  ;; dst[0..n) /= d.
  (func $lstm_div_row (param $dst i32) (param $n i32) (param $d f32)
    (local $i i32) (local $dv v128)
    (local.set $dv (f32x4.splat (local.get $d)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (v128.store (local.get $dst) (f32x4.div (v128.load (local.get $dst)) (local.get $dv)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_s (local.get $i) (local.get $n)))
      (f32.store (local.get $dst) (f32.div (f32.load (local.get $dst)) (local.get $d)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1))))

  ;; out (B,Tk,C) = the mean of each bucket of k rows of inp (B,T,C) (float32 sum in row order, then / k).
  (func (export "avgpool_fwd") (param $b0 i32) (param $b1 i32) (param $out i32) (param $inp i32) (param $T i32) (param $C i32) (param $k i32)
    (local $Tk i32) (local $b i32) (local $q i32) (local $u i32) (local $dst i32) (local $rb i32) (local $kf f32)
    (local.set $Tk (i32.div_u (local.get $T) (local.get $k)))
    (local.set $rb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $kf (f32.convert_i32_u (local.get $k)))
    (local.set $b (local.get $b0))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $b1)))
      (local.set $q (i32.const 0))
      (block $qd (loop $ql
        (br_if $qd (i32.ge_s (local.get $q) (local.get $Tk)))
        (local.set $dst (i32.add (local.get $out) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $Tk)) (local.get $q)) (local.get $rb))))
        (memory.fill (local.get $dst) (i32.const 0) (local.get $rb))
        (local.set $u (i32.const 0))
        (block $ud (loop $ul
          (br_if $ud (i32.ge_s (local.get $u) (local.get $k)))
          (call $lstm_acc_row (local.get $dst)
            (i32.add (local.get $inp) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) (i32.add (i32.mul (local.get $q) (local.get $k)) (local.get $u))) (local.get $rb)))
            (local.get $C) (f32.const 1))
          (local.set $u (i32.add (local.get $u) (i32.const 1)))
          (br $ul)))
        (call $lstm_div_row (local.get $dst) (local.get $C) (local.get $kf))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $ql)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))
  )

  ;; dinp (B,T,C)[b,t] += dout (B,Tk,C)[b, floor(t/k)] / k for t < Tk·k.
  (func (export "avgpool_bwd") (param $b0 i32) (param $b1 i32) (param $dinp i32) (param $dout i32) (param $T i32) (param $C i32) (param $k i32)
    (local $Tk i32) (local $b i32) (local $t i32) (local $rb i32) (local $kf f32)
    (local.set $Tk (i32.div_u (local.get $T) (local.get $k)))
    (local.set $rb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $kf (f32.convert_i32_u (local.get $k)))
    (local.set $b (local.get $b0))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $b1)))
      (local.set $t (i32.const 0))
      (block $td (loop $tl
        (br_if $td (i32.ge_s (local.get $t) (i32.mul (local.get $Tk) (local.get $k))))
        (call $lstm_acc_row
          (i32.add (local.get $dinp) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $rb)))
          (i32.add (local.get $dout) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $Tk)) (i32.div_u (local.get $t) (local.get $k))) (local.get $rb)))
          (local.get $C) (local.get $kf))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))
  )

  ;; The bucket minute t reads: min(floor((t+1)/k) − 1, Tk − 1); −1 before the first bucket ends.
  (func $lstm_bucket (param $t i32) (param $k i32) (param $Tk i32) (result i32)
    (local $q i32)
    (local.set $q (i32.sub (i32.div_u (i32.add (local.get $t) (i32.const 1)) (local.get $k)) (i32.const 1)))
    (select (local.get $q) (i32.sub (local.get $Tk) (i32.const 1)) (i32.lt_s (local.get $q) (local.get $Tk))))

  ;; out (B,T,OC)[b, t, off..off+H) = h (B,Tk,H)[b, bucket(t)], or 0 before the first bucket ends.
  (func (export "laststate_fwd") (param $b0 i32) (param $b1 i32) (param $out i32) (param $h i32) (param $T i32) (param $Tk i32) (param $H i32) (param $k i32) (param $OC i32) (param $off i32)
    (local $b i32) (local $t i32) (local $q i32) (local $dst i32) (local $hb i32)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $b (local.get $b0))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $b1)))
      (local.set $t (i32.const 0))
      (block $td (loop $tl
        (br_if $td (i32.ge_s (local.get $t) (local.get $T)))
        (local.set $q (call $lstm_bucket (local.get $t) (local.get $k) (local.get $Tk)))
        (local.set $dst (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $OC)) (local.get $off)) (i32.const 2))))
        (if (i32.lt_s (local.get $q) (i32.const 0))
          (then (memory.fill (local.get $dst) (i32.const 0) (local.get $hb)))
          (else (memory.copy (local.get $dst) (i32.add (local.get $h) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $Tk)) (local.get $q)) (local.get $hb))) (local.get $hb))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))
  )

  ;; dh (B,Tk,H)[b, q] += Σ over the minutes t with bucket(t) = q of dout (B,T,OC)[b, t, off..off+H), in t order.
  (func (export "laststate_bwd") (param $b0 i32) (param $b1 i32) (param $dh i32) (param $dout i32) (param $T i32) (param $Tk i32) (param $H i32) (param $k i32) (param $OC i32) (param $off i32)
    (local $b i32) (local $t i32) (local $q i32) (local $hb i32)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $b (local.get $b0))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $b1)))
      (local.set $t (i32.const 0))
      (block $td (loop $tl
        (br_if $td (i32.ge_s (local.get $t) (local.get $T)))
        (local.set $q (call $lstm_bucket (local.get $t) (local.get $k) (local.get $Tk)))
        (if (i32.ge_s (local.get $q) (i32.const 0)) (then
          (call $lstm_acc_row (i32.add (local.get $dh) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $Tk)) (local.get $q)) (local.get $hb)))
            (i32.add (local.get $dout) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $OC)) (local.get $off)) (i32.const 2)))
            (local.get $H) (f32.const 1))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))
  )
