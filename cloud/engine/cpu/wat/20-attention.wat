;; @module Causal multi-head attention over (b, h) pairs as causal GEMM strips on the matmul micro-kernel (4 queries or 4 keys at a time, only t2 ≤ t computed), plus the row softmax and its backward.

  ;; max over p[0..n) (NaN propagates).
  (func $rowmax (param $p i32) (param $n i32) (result f32)
    (local $i i32) (local $v v128) (local $m f32)
    (local.set $v (f32x4.splat (f32.const -inf)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $v (f32x4.max (local.get $v) (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v))) (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $m))

  ;; p[0..n) = exp(p − max); returns Σ.
  (func $rowexp (param $p i32) (param $n i32) (param $max f32) (result f32)
    (local $i i32) (local $e v128) (local $sv v128) (local $s f32) (local $x f32) (local $a i32)
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $e (call $exp4 (f32x4.sub (v128.load (local.get $a)) (f32x4.splat (local.get $max)))))
      (v128.store (local.get $a) (local.get $e))
      (local.set $sv (f32x4.add (local.get $sv) (local.get $e)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (local.set $s (call $hsum (local.get $sv)))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $x (call $exp1 (f32.sub (f32.load (local.get $a)) (local.get $max))))
      (f32.store (local.get $a) (local.get $x))
      (local.set $s (f32.add (local.get $s) (local.get $x)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))

  ;; p[0..n) *= c.
  (func $rowscale (param $p i32) (param $n i32) (param $c f32)
    (local $i i32) (local $a i32)
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))
      (v128.store (local.get $a) (f32x4.mul (v128.load (local.get $a)) (f32x4.splat (local.get $c))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))
      (f32.store (local.get $a) (f32.mul (f32.load (local.get $a)) (local.get $c)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
  )

  ;; dp[0..n) += att·(datt − dot): the softmax backward of one row.
  (func $softmax_bwd_row (param $dp i32) (param $att i32) (param $datt i32) (param $dot f32) (param $n i32)
    (local $i i32) (local $o i32)
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $dp) (local.get $o)) (f32x4.relaxed_madd
        (v128.load (i32.add (local.get $att) (local.get $o)))
        (f32x4.sub (v128.load (i32.add (local.get $datt) (local.get $o))) (f32x4.splat (local.get $dot)))
        (v128.load (i32.add (local.get $dp) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $dp) (local.get $o)) (f32.add (f32.load (i32.add (local.get $dp) (local.get $o)))
        (f32.mul (f32.load (i32.add (local.get $att) (local.get $o))) (f32.sub (f32.load (i32.add (local.get $datt) (local.get $o))) (local.get $dot)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
  )

  ;; Pairs bh0..bh1 of (b·NH + h), as causal GEMM strips on the matmul micro-kernel: K and V of the head
  ;; packed once (pk: ⌈T/8⌉·8·hs floats, pv: ⌈hs/8⌉·8·T floats, per thread); for each strip of 4 queries,
  ;; S = Q·Kᵀ over the key panels up to the diagonal, the row softmax, then O = P·V over keys < r + 4.
  ;; preatt = 0 skips writing preatt.
  (func (export "attn_fwd") (param $bh0 i32) (param $bh1 i32) (param $out i32) (param $preatt i32) (param $att i32) (param $qkv i32) (param $T i32) (param $C i32) (param $NH i32)
      (param $pk i32) (param $pv i32) (param $tmp i32)
    (local $bh i32) (local $b i32) (local $h i32) (local $hs i32) (local $C3 i32) (local $kbase i32) (local $qbase i32) (local $vbase i32) (local $obase i32) (local $abase i32)
    (local $r i32) (local $re i32) (local $t i32) (local $n i32) (local $arow i32) (local $npk i32) (local $npv i32) (local $scale f32) (local $max f32)
    (local.set $hs (i32.div_s (local.get $C) (local.get $NH)))
    (local.set $C3 (i32.mul (local.get $C) (i32.const 3)))
    (local.set $scale (f32.div (f32.const 1) (f32.sqrt (f32.convert_i32_s (local.get $hs)))))
    (local.set $npk (i32.shr_s (i32.add (local.get $T) (i32.const 7)) (i32.const 3)))
    (local.set $npv (i32.shr_s (i32.add (local.get $hs) (i32.const 7)) (i32.const 3)))
    (local.set $bh (local.get $bh0))
    (block $bhd (loop $bhl
      (br_if $bhd (i32.ge_s (local.get $bh) (local.get $bh1)))
      (local.set $b (i32.div_s (local.get $bh) (local.get $NH)))
      (local.set $h (i32.rem_s (local.get $bh) (local.get $NH)))
      (local.set $qbase (i32.add (local.get $qkv) (i32.shl (i32.add (i32.mul (i32.mul (local.get $b) (local.get $T)) (local.get $C3)) (i32.mul (local.get $h) (local.get $hs))) (i32.const 2))))
      (local.set $kbase (i32.add (local.get $qbase) (i32.shl (local.get $C) (i32.const 2))))
      (local.set $vbase (i32.add (local.get $kbase) (i32.shl (local.get $C) (i32.const 2))))
      (local.set $obase (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.mul (local.get $b) (local.get $T)) (local.get $C)) (i32.mul (local.get $h) (local.get $hs))) (i32.const 2))))
      (local.set $abase (i32.add (local.get $att) (i32.shl (i32.mul (i32.mul (local.get $bh) (local.get $T)) (local.get $T)) (i32.const 2))))
      ;; B(k = c, n = t2) = K[t2][c]; B(k = t2, n = c) = V[t2][c]
      (call $pack_b (i32.const 0) (local.get $npk) (local.get $pk) (local.get $kbase) (local.get $hs) (local.get $T) (i32.const 1) (local.get $C3))
      (call $pack_b (i32.const 0) (local.get $npv) (local.get $pv) (local.get $vbase) (local.get $T) (local.get $hs) (local.get $C3) (i32.const 1))
      (local.set $r (i32.const 0))
      (block $rd (loop $rl
        (br_if $rd (i32.ge_s (local.get $r) (local.get $T)))
        (local.set $re (i32.add (local.get $r) (i32.const 4)))
        (if (i32.gt_s (local.get $re) (local.get $T)) (then (local.set $re (local.get $T))))
        ;; S strip: key panels 0 .. the one holding key re − 1 (entries past the diagonal are zeroed below)
        (call $gemm_strip (local.get $qbase) (local.get $C3) (i32.const 1) (i32.const 0) (local.get $hs) (local.get $pk) (local.get $hs)
          (i32.add (i32.shr_s (i32.sub (local.get $re) (i32.const 1)) (i32.const 3)) (i32.const 1)) (local.get $T)
          (local.get $abase) (local.get $T) (local.get $r) (local.get $T) (i32.const 0) (i32.const 0) (local.get $tmp))
        (local.set $t (local.get $r))
        (block $td (loop $tl
          (br_if $td (i32.ge_s (local.get $t) (local.get $re)))
          (local.set $n (i32.add (local.get $t) (i32.const 1)))
          (local.set $arow (i32.add (local.get $abase) (i32.shl (i32.mul (local.get $t) (local.get $T)) (i32.const 2))))
          (call $rowscale (local.get $arow) (local.get $n) (local.get $scale))
          (if (local.get $preatt) (then (memory.copy (i32.add (local.get $preatt) (i32.sub (local.get $arow) (local.get $att))) (local.get $arow) (i32.shl (local.get $n) (i32.const 2)))))
          (local.set $max (call $rowmax (local.get $arow) (local.get $n)))
          (call $rowscale (local.get $arow) (local.get $n) (f32.div (f32.const 1) (call $rowexp (local.get $arow) (local.get $n) (local.get $max))))
          (memory.fill (i32.add (local.get $arow) (i32.shl (local.get $n) (i32.const 2))) (i32.const 0) (i32.shl (i32.sub (local.get $T) (local.get $n)) (i32.const 2)))
          (local.set $t (local.get $n))
          (br $tl)))
        ;; O strip = P (rows r.., keys < re) · V
        (call $gemm_strip (local.get $abase) (local.get $T) (i32.const 1) (i32.const 0) (local.get $re) (local.get $pv) (local.get $T) (local.get $npv) (local.get $hs)
          (local.get $obase) (local.get $C) (local.get $r) (local.get $T) (i32.const 0) (i32.const 0) (local.get $tmp))
        (local.set $r (local.get $re))
        (br $rl)))
      (local.set $bh (i32.add (local.get $bh) (i32.const 1)))
      (br $bhl)))
  )

  ;; dst[t][j] = alpha·src[t·T + r + j] where t ≥ r + j, else 0, for t in r..T, j < 4: the causal columns
  ;; r..r+3 of a (T, T) matrix, one masked vector per t, k-major (A of the key strip's GEMMs with ldar 1,
  ;; ldak 4). Reads up to 3 floats past a row (lanes ≥ re − r are rows the GEMM zero-fills or never writes).
  (func $colstrip (param $dst i32) (param $src i32) (param $T i32) (param $r i32) (param $alpha f32)
    (local $t i32) (local $p i32) (local $q i32) (local $av v128)
    (local.set $av (f32x4.splat (local.get $alpha)))
    (local.set $t (local.get $r))
    (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $T)) (local.get $r)) (i32.const 2))))
    (local.set $q (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 4))))
    (block $td (loop $tl
      (br_if $td (i32.ge_s (local.get $t) (local.get $T)))
      (v128.store (local.get $q) (v128.and
        (i32x4.le_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.sub (local.get $t) (local.get $r))))
        (f32x4.mul (v128.load (local.get $p)) (local.get $av))))
      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $T) (i32.const 2))))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl)))
  )

  ;; Pairs bh0..bh1: dqkv +=, dpreatt +=, datt += on t2 ≤ t only (the reference's semantics), as causal GEMM
  ;; strips. Scratch per thread: p1 = ⌈T/8⌉·8·hs floats (V as Kᵀ-like panels), p2, p3, p4 = ⌈hs/8⌉·8·T each
  ;; (K, Q, dout), strip = 4·T. Pass 1 per query strip: dAtt = dO·Vᵀ (added on the causal part), the softmax
  ;; backward, dQ += scale·dP·K. Pass 2 per key strip: dK += scale·dPᵀ·Q, dV += Pᵀ·dO over queries ≥ the key.
  (func (export "attn_bwd") (param $bh0 i32) (param $bh1 i32) (param $dqkv i32) (param $dpreatt i32) (param $datt i32) (param $dout i32) (param $qkv i32) (param $att i32) (param $T i32) (param $C i32) (param $NH i32)
      (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $p4 i32) (param $strip i32) (param $tmp i32)
    (local $bh i32) (local $b i32) (local $h i32) (local $hs i32) (local $C3 i32) (local $off i32) (local $qbase i32) (local $kbase i32) (local $vbase i32) (local $dqbase i32) (local $obase i32)
    (local $rowoff i32) (local $r i32) (local $re i32) (local $t i32) (local $n i32) (local $npk i32) (local $npv i32) (local $scale f32) (local $dot f32) (local $rel i32)
    (local.set $hs (i32.div_s (local.get $C) (local.get $NH)))
    (local.set $C3 (i32.mul (local.get $C) (i32.const 3)))
    (local.set $scale (f32.div (f32.const 1) (f32.sqrt (f32.convert_i32_s (local.get $hs)))))
    (local.set $npk (i32.shr_s (i32.add (local.get $T) (i32.const 7)) (i32.const 3)))
    (local.set $npv (i32.shr_s (i32.add (local.get $hs) (i32.const 7)) (i32.const 3)))
    (local.set $bh (local.get $bh0))
    (block $bhd (loop $bhl
      (br_if $bhd (i32.ge_s (local.get $bh) (local.get $bh1)))
      (local.set $b (i32.div_s (local.get $bh) (local.get $NH)))
      (local.set $h (i32.rem_s (local.get $bh) (local.get $NH)))
      (local.set $off (i32.shl (i32.add (i32.mul (i32.mul (local.get $b) (local.get $T)) (local.get $C3)) (i32.mul (local.get $h) (local.get $hs))) (i32.const 2)))
      (local.set $qbase (i32.add (local.get $qkv) (local.get $off)))
      (local.set $kbase (i32.add (local.get $qbase) (i32.shl (local.get $C) (i32.const 2))))
      (local.set $vbase (i32.add (local.get $kbase) (i32.shl (local.get $C) (i32.const 2))))
      (local.set $dqbase (i32.add (local.get $dqkv) (local.get $off)))
      (local.set $obase (i32.add (local.get $dout) (i32.shl (i32.add (i32.mul (i32.mul (local.get $b) (local.get $T)) (local.get $C)) (i32.mul (local.get $h) (local.get $hs))) (i32.const 2))))
      (local.set $rowoff (i32.shl (i32.mul (i32.mul (local.get $bh) (local.get $T)) (local.get $T)) (i32.const 2)))
      (call $pack_b (i32.const 0) (local.get $npk) (local.get $p1) (local.get $vbase) (local.get $hs) (local.get $T) (i32.const 1) (local.get $C3))
      (call $pack_b (i32.const 0) (local.get $npv) (local.get $p2) (local.get $kbase) (local.get $T) (local.get $hs) (local.get $C3) (i32.const 1))
      (call $pack_b (i32.const 0) (local.get $npv) (local.get $p3) (local.get $qbase) (local.get $T) (local.get $hs) (local.get $C3) (i32.const 1))
      (call $pack_b (i32.const 0) (local.get $npv) (local.get $p4) (local.get $obase) (local.get $T) (local.get $hs) (local.get $C) (i32.const 1))
      ;; pass 1: query strips
      (local.set $r (i32.const 0))
      (block $rd (loop $rl
        (br_if $rd (i32.ge_s (local.get $r) (local.get $T)))
        (local.set $re (i32.add (local.get $r) (i32.const 4)))
        (if (i32.gt_s (local.get $re) (local.get $T)) (then (local.set $re (local.get $T))))
        ;; strip rows (relative to r) = dO·Vᵀ over keys < re, then datt += its causal part
        (local.set $rel (i32.sub (local.get $strip) (i32.shl (i32.mul (local.get $r) (local.get $T)) (i32.const 2))))
        (call $gemm_strip (local.get $obase) (local.get $C) (i32.const 1) (i32.const 0) (local.get $hs) (local.get $p1) (local.get $hs)
          (i32.add (i32.shr_s (i32.sub (local.get $re) (i32.const 1)) (i32.const 3)) (i32.const 1)) (local.get $T)
          (local.get $rel) (local.get $T) (local.get $r) (local.get $T) (i32.const 0) (i32.const 0) (local.get $tmp))
        (local.set $t (local.get $r))
        (block $td (loop $tl
          (br_if $td (i32.ge_s (local.get $t) (local.get $re)))
          (local.set $n (i32.add (local.get $t) (i32.const 1)))
          (local.set $off (i32.add (local.get $rowoff) (i32.shl (i32.mul (local.get $t) (local.get $T)) (i32.const 2))))
          (call $addrow (i32.add (local.get $datt) (local.get $off)) (i32.add (local.get $rel) (i32.shl (i32.mul (local.get $t) (local.get $T)) (i32.const 2))) (local.get $n))
          (local.set $dot (call $dot (i32.add (local.get $att) (local.get $off)) (i32.add (local.get $datt) (local.get $off)) (local.get $n)))
          (call $softmax_bwd_row (i32.add (local.get $dpreatt) (local.get $off)) (i32.add (local.get $att) (local.get $off)) (i32.add (local.get $datt) (local.get $off)) (local.get $dot) (local.get $n))
          ;; strip row = scale·dpreatt row, 0 past the diagonal (keys n..re)
          (memory.copy (i32.add (local.get $rel) (i32.shl (i32.mul (local.get $t) (local.get $T)) (i32.const 2))) (i32.add (local.get $dpreatt) (local.get $off)) (i32.shl (local.get $n) (i32.const 2)))
          (call $rowscale (i32.add (local.get $rel) (i32.shl (i32.mul (local.get $t) (local.get $T)) (i32.const 2))) (local.get $n) (local.get $scale))
          (memory.fill (i32.add (local.get $rel) (i32.shl (i32.add (i32.mul (local.get $t) (local.get $T)) (local.get $n)) (i32.const 2))) (i32.const 0) (i32.shl (i32.sub (local.get $re) (local.get $n)) (i32.const 2)))
          (local.set $t (local.get $n))
          (br $tl)))
        ;; dq rows r.. += strip · K over keys < re
        (call $gemm_strip (local.get $rel) (local.get $T) (i32.const 1) (i32.const 0) (local.get $re) (local.get $p2) (local.get $T) (local.get $npv) (local.get $hs)
          (local.get $dqbase) (local.get $C3) (local.get $r) (local.get $T) (i32.const 0) (i32.const 1) (local.get $tmp))
        (local.set $r (local.get $re))
        (br $rl)))
      ;; pass 2: key strips (queries t ≥ key)
      (local.set $r (i32.const 0))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_s (local.get $r) (local.get $T)))
        (local.set $re (i32.add (local.get $r) (i32.const 4)))
        (if (i32.gt_s (local.get $re) (local.get $T)) (then (local.set $re (local.get $T))))
        ;; A(row = r + j, k = t) = strip[t][j]: base strip − 4r bytes, ldar 1, ldak 4
        (local.set $rel (i32.sub (local.get $strip) (i32.shl (local.get $r) (i32.const 2))))
        (call $colstrip (local.get $strip) (i32.add (local.get $dpreatt) (local.get $rowoff)) (local.get $T) (local.get $r) (local.get $scale))
        (call $gemm_strip (local.get $rel) (i32.const 1) (i32.const 4) (local.get $r) (local.get $T) (local.get $p3) (local.get $T) (local.get $npv) (local.get $hs)
          (i32.add (local.get $dqbase) (i32.shl (local.get $C) (i32.const 2))) (local.get $C3) (local.get $r) (local.get $T) (i32.const 0) (i32.const 1) (local.get $tmp))
        (call $colstrip (local.get $strip) (i32.add (local.get $att) (local.get $rowoff)) (local.get $T) (local.get $r) (f32.const 1))
        (call $gemm_strip (local.get $rel) (i32.const 1) (i32.const 4) (local.get $r) (local.get $T) (local.get $p4) (local.get $T) (local.get $npv) (local.get $hs)
          (i32.add (local.get $dqbase) (i32.shl (local.get $C) (i32.const 3))) (local.get $C3) (local.get $r) (local.get $T) (i32.const 0) (i32.const 1) (local.get $tmp))
        (local.set $r (local.get $re))
        (br $kl)))
      (local.set $bh (i32.add (local.get $bh) (i32.const 1)))
      (br $bhl)))
  )
