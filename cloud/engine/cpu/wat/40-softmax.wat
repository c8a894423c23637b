;; @module Row softmax with an optional fused cross-entropy loss (86 heads × 10 classes per token are rows of V), and the cross-entropy backward.

  ;; Rows r0..r1 of inp (rows, V): out = softmax; when losses ≠ 0 also losses[r] = max + log Σ e − x[targets[r]].
  ;; The last V mod 4 lanes of a row go through one masked vector: loads may read up to 3 floats past the row
  ;; (the arena keeps slack past every buffer), stores write only the row's lanes.
  (func (export "softmax_rows") (param $r0 i32) (param $r1 i32) (param $out i32) (param $inp i32) (param $V i32) (param $losses i32) (param $targets i32)
    (local $r i32) (local $x i32) (local $o i32) (local $i i32) (local $V4 i32) (local $tail i32) (local $max f32) (local $s f32)
    (local $mask v128) (local $mv v128) (local $sv v128) (local $ev v128) (local $inv v128) (local $a i32)
    (local.set $V4 (i32.and (local.get $V) (i32.const -4)))
    (local.set $tail (i32.sub (local.get $V) (local.get $V4)))
    ;; lanes < tail
    (local.set $mask (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $tail))))
    (local.set $r (local.get $r0))
    (block $rd (loop $rl
      (br_if $rd (i32.ge_s (local.get $r) (local.get $r1)))
      (local.set $x (i32.add (local.get $inp) (i32.shl (i32.mul (local.get $r) (local.get $V)) (i32.const 2))))
      (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $r) (local.get $V)) (i32.const 2))))
      ;; max (NaN propagates through f32x4.max)
      (local.set $mv (v128.bitselect (v128.load (i32.add (local.get $x) (i32.shl (local.get $V4) (i32.const 2)))) (f32x4.splat (f32.const -inf)) (local.get $mask)))
      (local.set $i (i32.const 0))
      (block $md (loop $ml
        (br_if $md (i32.ge_s (local.get $i) (local.get $V4)))
        (local.set $mv (f32x4.max (local.get $mv) (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ml)))
      (local.set $mv (f32x4.max (local.get $mv) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mv) (local.get $mv))))
      (local.set $mv (f32x4.max (local.get $mv) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $mv) (local.get $mv))))
      (local.set $max (f32x4.extract_lane 0 (local.get $mv)))
      ;; exp and sum: full chunks stored unnormalized, the tail kept in a register
      (local.set $sv (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (block $ed (loop $el
        (br_if $ed (i32.ge_s (local.get $i) (local.get $V4)))
        (local.set $ev (call $exp4 (f32x4.sub (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $mv))))
        (v128.store (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))) (local.get $ev))
        (local.set $sv (f32x4.add (local.get $sv) (local.get $ev)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $el)))
      (local.set $ev (v128.and (local.get $mask) (call $exp4 (f32x4.sub (v128.load (i32.add (local.get $x) (i32.shl (local.get $V4) (i32.const 2)))) (local.get $mv)))))
      (local.set $s (call $hsum (f32x4.add (local.get $sv) (local.get $ev))))
      (local.set $inv (f32x4.splat (f32.div (f32.const 1) (local.get $s))))
      (local.set $i (i32.const 0))
      (block $nd (loop $nl
        (br_if $nd (i32.ge_s (local.get $i) (local.get $V4)))
        (local.set $a (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))))
        (v128.store (local.get $a) (f32x4.mul (v128.load (local.get $a)) (local.get $inv)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $nl)))
      (local.set $ev (f32x4.mul (local.get $ev) (local.get $inv)))
      (local.set $a (i32.add (local.get $o) (i32.shl (local.get $V4) (i32.const 2))))
      (if (i32.ge_s (local.get $tail) (i32.const 2))
        (then
          (v128.store64_lane 0 (local.get $a) (local.get $ev))
          (if (i32.eq (local.get $tail) (i32.const 3)) (then (v128.store32_lane offset=8 2 (local.get $a) (local.get $ev)))))
        (else (if (local.get $tail) (then (v128.store32_lane 0 (local.get $a) (local.get $ev))))))
      (if (local.get $losses) (then
        (f32.store (i32.add (local.get $losses) (i32.shl (local.get $r) (i32.const 2)))
          (f32.demote_f64 (f64.sub
            (f64.add (f64.promote_f32 (local.get $max)) (call $log (f64.promote_f32 (local.get $s))))
            (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (i32.load8_u (i32.add (local.get $targets) (local.get $r))) (i32.const 2))))))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rl)))
  )

  ;; WRITES dlogits of rows r0..r1 = dloss·(probs − onehot(targets)).
  (func (export "ce_bwd") (param $r0 i32) (param $r1 i32) (param $dl i32) (param $probs i32) (param $targets i32) (param $dloss f32) (param $V i32)
    (local $i i32) (local $end i32) (local $dv v128) (local $r i32) (local $a i32)
    (local.set $dv (f32x4.splat (local.get $dloss)))
    (local.set $i (i32.mul (local.get $r0) (local.get $V)))
    (local.set $end (i32.mul (local.get $r1) (local.get $V)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $end)))
      (v128.store (i32.add (local.get $dl) (i32.shl (local.get $i) (i32.const 2))) (f32x4.mul (local.get $dv) (v128.load (i32.add (local.get $probs) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $dl) (i32.shl (local.get $i) (i32.const 2))) (f32.mul (local.get $dloss) (f32.load (i32.add (local.get $probs) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.set $r (local.get $r0))
    (block $td (loop $tl
      (br_if $td (i32.ge_s (local.get $r) (local.get $r1)))
      (local.set $a (i32.shl (i32.add (i32.mul (local.get $r) (local.get $V)) (i32.load8_u (i32.add (local.get $targets) (local.get $r)))) (i32.const 2)))
      (f32.store (i32.add (local.get $dl) (local.get $a)) (f32.mul (local.get $dloss) (f32.sub (f32.load (i32.add (local.get $probs) (local.get $a))) (f32.const 1))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $tl)))
  )
