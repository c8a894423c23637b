;; @module Vector math helpers: exp (Cephes expf polynomial, magic-number rounding, 2^n in two scale steps), horizontal sum, dot.

  ;; e^x per lane for x clamped to [−87.33, 88.72]: below, ≈ 1.2e-38 instead of the denormal true value; above,
  ;; ≈ 3.4e38 instead of +inf (every caller divides by 1 + e or feeds x − max ≤ 0); NaN stays NaN.
  ;; n = round(x·log2 e) by the 1.5·2²³ magic add (its low mantissa bits are n as an integer): V8 lowers
  ;; f32x4.nearest, i32x4.trunc_sat and bitselect to long sequences, this is two adds.
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $y v128) (local $t v128) (local $ni v128) (local $n1 v128)
    (local.set $r (f32x4.pmax (f32x4.pmin (local.get $x) (f32x4.splat (f32.const 88.72))) (f32x4.splat (f32.const -87.33))))
    (local.set $t (f32x4.add (f32x4.mul (local.get $r) (f32x4.splat (f32.const 1.44269504088896341))) (f32x4.splat (f32.const 12582912))))
    (local.set $n (f32x4.sub (local.get $t) (f32x4.splat (f32.const 12582912))))
    (local.set $ni (i32x4.sub (local.get $t) (i32x4.splat (i32.const 0x4B400000))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $y (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $y (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $y) (local.get $r)) (local.get $r)) (local.get $r)) (f32x4.splat (f32.const 1))))
    ;; 2^n as 2^n1 · 2^(n−n1), n1 = n >> 1: both factors normal for n in [−126, 128]
    (local.set $n1 (i32x4.shr_s (local.get $ni) (i32.const 1)))
    (local.set $y (f32x4.mul (local.get $y) (i32x4.shl (i32x4.add (local.get $n1) (i32x4.splat (i32.const 127))) (i32.const 23))))
    (f32x4.mul (local.get $y) (i32x4.shl (i32x4.add (i32x4.sub (local.get $ni) (local.get $n1)) (i32x4.splat (i32.const 127))) (i32.const 23)))
  )
  (func $exp1 (param $x f32) (result f32)
    (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (local.get $x)))))
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
  ;; Dot product of n floats at a and b (byte addresses): 4-wide, two accumulators, scalar tail.
  (func $dot (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $s0 v128) (local $s1 v128) (local $i i32) (local $s f32)
    (block $done8 (loop $l8
      (br_if $done8 (i32.gt_s (i32.add (local.get $i) (i32.const 8)) (local.get $n)))
      (local.set $s0 (f32x4.relaxed_madd (v128.load (local.get $a)) (v128.load (local.get $b)) (local.get $s0)))
      (local.set $s1 (f32x4.relaxed_madd (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)) (local.get $s1)))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $l8)))
    (local.set $s (call $hsum (f32x4.add (local.get $s0) (local.get $s1))))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))
