/* mapview.js: the command-centre map page (Leaflet 1.9.4, QWebChannel, no network).
 *
 * Python drives the page through window.CMap.* (see mapview/view.py); the page reports
 * back through the QWebChannel object "bridge". Every report carries the page generation
 * `gen` so that Python can ignore a page that is being torn down.
 *
 * Grid cells are drawn by CellLayer: one canvas, geometry fetched once as a binary blob and
 * projected once to zoom-0 Web-Mercator pixels. Level of detail per cell, from its size on
 * screen: under LOD_PX device pixels a pixel block, up to PATH_PX scan-converted by us,
 * both written into one ImageData (a 1-px darker rim from STROKE_PX up); larger cells are
 * anti-aliased canvas paths filled per colour in batches of BATCH sub-paths (one giant
 * path per colour is superlinear in software canvas). A value change repaints only the
 * changed cells: each one's pixel box is rebuilt from the cells overlapping it.
 */
(function () {
  'use strict';

  var LOD_PX = 3;          // cells smaller than this (device px) are pixel blocks
  var STROKE_PX = 9;       // cells at least this large get a 1-px darker rim
  var PATH_PX = 28;        // cells at least this large are anti-aliased canvas paths
  var BATCH = 300;         // sub-paths per fill() call
  var PARTIAL_MAX = 4000;  // above this many changed cells a full redraw is cheaper

  var CMap = window.CMap = {};
  var map = null;
  var cfg = {};
  var bridge = null;
  var gen = 0;
  var programmatic = 0;
  var autoFit = true;
  var territory = null;          // L.LatLngBounds of boundaries (or cells)
  var cellsBounds = null;
  var cellLayer = null;
  var boundaryGroup = null;      // boundary lines + region labels (one toggle)
  var boundaryLayer = null;
  var choroplethLayer = null;    // child regions filled by safety index (off by default)
  var labelGroup = null;
  var pointLayers = {};
  var legend = null;
  var fitControl = null;
  var layerControl = null;
  var highlight = null;
  var highlightRenderer = null;
  var inflight = null;           // promise of an async command (geometry fetch) in progress
  var stats = {draws: 0, lastKind: '', lastMs: 0, lastRestyled: [], lastPartial: 0};

  function now() { return performance.now(); }

  function report(err) {
    var msg = (err && err.stack) ? err.stack : String(err);
    if (window.console) { console.error(msg); }
    if (bridge) { bridge.jsError(gen, msg); }
  }

  function notify(method) {
    if (!bridge) { return; }
    var args = Array.prototype.slice.call(arguments, 1);
    args.unshift(gen);
    try { bridge[method].apply(bridge, args); } catch (e) { if (window.console) { console.error(e); } }
  }

  // Commands run in order; while a fetch is in flight the following ones wait for it.
  function run(fn) {
    if (inflight === null) {
      var r;
      try { r = fn(); } catch (e) { report(e); return; }
      if (r && typeof r.then === 'function') { track(r); }
      return;
    }
    track(inflight.then(fn));
  }
  function track(p) {
    var mine = p.catch(report).then(function () { if (inflight === mine) { inflight = null; } });
    inflight = mine;
  }

  function withoutUser(fn) {
    programmatic++;
    try { fn(); } finally { programmatic--; }
  }

  function setAutoFit(on) {
    if (autoFit === on) { return; }
    autoFit = on;
    if (fitControl) { fitControl.render(); }
    notify('autoFitChanged', on);
  }

  function fitTerritory() {
    var b = territory || cellsBounds;
    if (!b || !b.isValid()) { return; }
    // A person's wheel zoom still animating would swallow the fit: fit once it has ended.
    if (map._animatingZoom) { map.once('zoomend', function () { if (autoFit) { fitTerritory(); } }); return; }
    withoutUser(function () { map.fitBounds(b, {padding: [24, 24], animate: false}); });
  }

  // ---- projection: zoom-0 Web-Mercator pixels (0..256), identical to L.CRS.EPSG3857 ----
  var MAXLAT = 85.0511287798;
  function wxOf(lon) { return 256 * (0.5 + lon / 360); }
  function wyOf(lat) {
    lat = Math.max(Math.min(lat, MAXLAT), -MAXLAT);
    var s = Math.sin(lat * Math.PI / 180);
    return 256 * (0.5 - 0.25 * Math.log((1 + s) / (1 - s)) / Math.PI);
  }

  function b64ToBytes(b64) {
    var bin = atob(b64), n = bin.length, out = new Uint8Array(n);
    for (var i = 0; i < n; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  // Opaque RGBA as one little-endian Uint32; `shade` < 1 darkens (the rim of a cell).
  function rgba32(css, shade) {
    var c = css.replace('#', '');
    var r = Math.round(parseInt(c.substr(0, 2), 16) * shade), g = Math.round(parseInt(c.substr(2, 2), 16) * shade);
    var b = Math.round(parseInt(c.substr(4, 2), 16) * shade);
    return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;  // ImageData is RGBA bytes, little-endian
  }

  // ---------------------------------------------------------------- canvas layers
  // A canvas positioned like Leaflet's own renderers (padding, zoom animation), drawn by
  // us: device pixel of a zoom-0 world point w is w * k - (ox, oy).
  var CanvasLayer = L.Renderer.extend({
    options: {padding: 0.1},

    initialize: function (options) {
      L.Renderer.prototype.initialize.call(this, options);
      this._raf = 0;
    },

    _initContainer: function () {
      var c = this._container = document.createElement('canvas');
      // pixels are mostly written by us (ImageData): keep the canvas in CPU memory
      this._ctx = c.getContext('2d', {willReadFrequently: true});
    },

    _destroyContainer: function () {
      if (this._raf) { cancelAnimationFrame(this._raf); this._raf = 0; }
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
      this._img = null;
    },

    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, size = b.getSize(), c = this._container;
      var dpr = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(c, b.min);
      c.width = Math.round(size.x * dpr);
      c.height = Math.round(size.y * dpr);
      c.style.width = size.x + 'px';
      c.style.height = size.y + 'px';
      var origin = this._map.getPixelOrigin();
      this._k = Math.pow(2, this._zoom) * dpr;
      this._ox = (origin.x + b.min.x) * dpr;
      this._oy = (origin.y + b.min.y) * dpr;
      this._dpr = dpr;
      this._scheduleDraw('view');  // coalesces viewreset + moveend into one draw per frame
    },

    _scheduleDraw: function (kind) {
      this._pendingKind = kind;
      if (this._raf || !this._ctx) { return; }
      var self = this;
      this._raf = requestAnimationFrame(function () { self._raf = 0; self.drawAll(self._pendingKind); });
    },

    _flush: function () {
      if (cfg.flushDraws && this._ctx) {  // force the raster now, so timings are honest
        var t = now();
        this._ctx.getImageData(0, 0, 1, 1);
        stats.flushMs = now() - t;
      }
    }
  });

  // ---------------------------------------------------------------- the cell layer
  var CellLayer = CanvasLayer.extend({
    options: {padding: 0.1, pane: 'cmapCells'},

    initialize: function (options) {
      CanvasLayer.prototype.initialize.call(this, options);
      this.n = 0;
      this._setColors([cfg.nodata || '#1b2636']);
      this.thresholds = [];
      this._seenMark = 0;
      this._X = new Float64Array(64);
      this._Y = new Float64Array(64);
      this._xs = new Float64Array(64);
    },

    // -- data
    setGeometry: function (buf) {
      var dv = new DataView(buf);
      if (dv.getUint32(0, true) !== 0x31474d43) { throw new Error('cells: bad magic'); }  // "CMG1"
      var n = dv.getUint32(4, true), nv = dv.getUint32(8, true), pos = 16;
      this.ids = new Int32Array(buf, pos, n); pos += 4 * n;
      this.ringOff = new Int32Array(buf, pos, n + 1); pos += 4 * (n + 1);
      var ll = new Float32Array(buf, pos, 2 * nv);
      var wx = this.wx = new Float64Array(nv), wy = this.wy = new Float64Array(nv);
      for (var v = 0; v < nv; v++) { wx[v] = wxOf(ll[2 * v]); wy[v] = wyOf(ll[2 * v + 1]); }
      var off = this.ringOff;
      var x0 = this.x0 = new Float64Array(n), y0 = this.y0 = new Float64Array(n);
      var x1 = this.x1 = new Float64Array(n), y1 = this.y1 = new Float64Array(n);
      var size = this.size0 = new Float64Array(n);
      var gx0 = Infinity, gy0 = Infinity, gx1 = -Infinity, gy1 = -Infinity;
      for (var i = 0; i < n; i++) {
        var a = Infinity, b = Infinity, c = -Infinity, d = -Infinity;
        for (var j = off[i], e = off[i + 1]; j < e; j++) {
          var X = wx[j], Y = wy[j];
          if (X < a) { a = X; } if (X > c) { c = X; }
          if (Y < b) { b = Y; } if (Y > d) { d = Y; }
        }
        x0[i] = a; y0[i] = b; x1[i] = c; y1[i] = d;
        size[i] = Math.max(c - a, d - b);
        if (a < gx0) { gx0 = a; } if (c > gx1) { gx1 = c; }
        if (b < gy0) { gy0 = b; } if (d > gy1) { gy1 = d; }
      }
      this.n = n;
      this.values = new Float32Array(n).fill(NaN);
      this.cls = new Uint8Array(n);
      this._polyIdx = new Int32Array(n);
      this._sorted = new Int32Array(n);
      this._seen = new Uint32Array(n);
      this._buildIndex(gx0, gy0, gx1, gy1);
      var sw = map.unproject([gx0, gy1], 0), ne = map.unproject([gx1, gy0], 0);
      return L.latLngBounds(sw, ne);
    },

    // Uniform-grid spatial index (CSR arrays): ~2 cells per bin.
    _buildIndex: function (gx0, gy0, gx1, gy1) {
      var n = this.n;
      var w = Math.max(gx1 - gx0, 1e-9), h = Math.max(gy1 - gy0, 1e-9);
      var bins = Math.max(1, Math.round(n / 2));
      var nx = Math.max(1, Math.round(Math.sqrt(bins * w / h))), ny = Math.max(1, Math.round(bins / nx));
      var bw = w / nx, bh = h / ny;
      var start = new Int32Array(nx * ny + 1), i, bx, by;
      var x0 = this.x0, y0 = this.y0, x1 = this.x1, y1 = this.y1;
      for (i = 0; i < n; i++) {
        var ax = Math.min(nx - 1, Math.floor((x0[i] - gx0) / bw)), cx = Math.min(nx - 1, Math.floor((x1[i] - gx0) / bw));
        var ay = Math.min(ny - 1, Math.floor((y0[i] - gy0) / bh)), cy = Math.min(ny - 1, Math.floor((y1[i] - gy0) / bh));
        for (by = ay; by <= cy; by++) { for (bx = ax; bx <= cx; bx++) { start[by * nx + bx + 1]++; } }
      }
      for (i = 0; i < nx * ny; i++) { start[i + 1] += start[i]; }
      var fill = start.slice(0, nx * ny), items = new Int32Array(start[nx * ny]);
      for (i = 0; i < n; i++) {
        var px = Math.min(nx - 1, Math.floor((x0[i] - gx0) / bw)), qx = Math.min(nx - 1, Math.floor((x1[i] - gx0) / bw));
        var py = Math.min(ny - 1, Math.floor((y0[i] - gy0) / bh)), qy = Math.min(ny - 1, Math.floor((y1[i] - gy0) / bh));
        for (by = py; by <= qy; by++) { for (bx = px; bx <= qx; bx++) { items[fill[by * nx + bx]++] = i; } }
      }
      this.grid = {x0: gx0, y0: gy0, bw: bw, bh: bh, nx: nx, ny: ny, start: start, items: items};
    },

    // Calls fn(i) once for every cell whose box meets the zoom-0 rectangle.
    _query: function (ax, ay, cx, cy, fn) {
      var g = this.grid;
      if (!g) { return; }
      var bx0 = Math.max(0, Math.floor((ax - g.x0) / g.bw)), bx1 = Math.min(g.nx - 1, Math.floor((cx - g.x0) / g.bw));
      var by0 = Math.max(0, Math.floor((ay - g.y0) / g.bh)), by1 = Math.min(g.ny - 1, Math.floor((cy - g.y0) / g.bh));
      if (bx0 > bx1 || by0 > by1) { return; }
      var mark = ++this._seenMark, seen = this._seen;
      if (mark === 0xffffffff) { seen.fill(0); this._seenMark = mark = 1; }
      for (var by = by0; by <= by1; by++) {
        for (var bx = bx0; bx <= bx1; bx++) {
          var b = by * g.nx + bx;
          for (var k = g.start[b], e = g.start[b + 1]; k < e; k++) {
            var i = g.items[k];
            if (seen[i] === mark) { continue; }
            seen[i] = mark;
            if (this.x1[i] < ax || this.x0[i] > cx || this.y1[i] < ay || this.y0[i] > cy) { continue; }
            fn(i);
          }
        }
      }
    },

    setStyle: function (thresholds, colors, nodata) {
      this.thresholds = thresholds.slice();
      this._setColors([nodata].concat(colors));
    },

    _setColors: function (colors) {
      this.colors = colors;
      this.colors32 = new Uint32Array(colors.map(function (c) { return rgba32(c, 1); }));
      this.rim32 = new Uint32Array(colors.map(function (c) { return rgba32(c, 0.55); }));
    },

    classOf: function (v) {
      if (v !== v) { return 0; }  // NaN: no data
      var t = this.thresholds, c = 1;
      for (var i = 0; i < t.length; i++) { if (v >= t[i]) { c = i + 2; } else { break; } }
      return c;
    },

    setValues: function (values) {
      var n = this.n, cls = this.cls;
      this.values = values;
      for (var i = 0; i < n; i++) { cls[i] = this.classOf(values[i]); }
    },

    // Returns the indices whose colour changed.
    updateValues: function (idx, vals) {
      var changed = [];
      for (var k = 0; k < idx.length; k++) {
        var i = idx[k];
        if (i < 0 || i >= this.n) { continue; }
        var v = vals[k] === null ? NaN : vals[k];
        this.values[i] = v;
        var c = this.classOf(v);
        if (c !== this.cls[i]) { this.cls[i] = c; changed.push(i); }
      }
      return changed;
    },

    // -- drawing
    _trace: function (ctx, i, k, ox, oy) {
      var off = this.ringOff, wx = this.wx, wy = this.wy, s = off[i], e = off[i + 1];
      ctx.moveTo(wx[s] * k - ox, wy[s] * k - oy);
      for (var j = s + 1; j < e; j++) { ctx.lineTo(wx[j] * k - ox, wy[j] * k - oy); }
      ctx.closePath();
    },

    // Writes cell i into a Uint32 RGBA buffer (w x h) whose pixel (0, 0) is at device
    // pixel (ox, oy) of the zoom-k world. Tiny cells become a block (their pixel box);
    // others are scan-converted (pixel centres inside the ring, even-odd), with a 1-px
    // darker rim when they are at least STROKE_PX wide.
    _raster: function (i, u32, w, h, k, ox, oy) {
      var x0 = this.x0[i] * k - ox, x1 = this.x1[i] * k - ox, y0 = this.y0[i] * k - oy, y1 = this.y1[i] * k - oy;
      var c = this.cls[i], col = this.colors32[c], x, y, row;
      if (x1 - x0 < LOD_PX && y1 - y0 < LOD_PX) {
        var bx0 = Math.max(0, Math.floor(x0)), bx1 = Math.min(w, Math.max(Math.floor(x0) + 1, Math.ceil(x1)));
        var by0 = Math.max(0, Math.floor(y0)), by1 = Math.min(h, Math.max(Math.floor(y0) + 1, Math.ceil(y1)));
        for (y = by0; y < by1; y++) { row = y * w; for (x = bx0; x < bx1; x++) { u32[row + x] = col; } }
        return;
      }
      var off = this.ringOff, s = off[i], e = off[i + 1], m = e - s, wx = this.wx, wy = this.wy;
      if (this._X.length < m) { this._X = new Float64Array(m * 2); this._Y = new Float64Array(m * 2); this._xs = new Float64Array(m * 2); }
      var X = this._X, Y = this._Y, xs = this._xs;
      for (var v = 0; v < m; v++) { X[v] = wx[s + v] * k - ox; Y[v] = wy[s + v] * k - oy; }
      var rim = (x1 - x0 >= STROKE_PX) ? this.rim32[c] : col;
      var ya = Math.max(0, Math.ceil(y0 - 0.5)), yb = Math.min(h - 1, Math.ceil(y1 - 0.5) - 1);
      for (y = ya; y <= yb; y++) {
        var cy = y + 0.5, nx = 0;
        for (var a = 0, b = m - 1; a < m; b = a++) {
          var Ya = Y[a], Yb = Y[b];
          if ((Ya <= cy) !== (Yb <= cy)) {
            // from the lower end, so two cells sharing this edge get the very same x: no cracks
            xs[nx++] = Ya < Yb ? X[a] + (cy - Ya) * (X[b] - X[a]) / (Yb - Ya) : X[b] + (cy - Yb) * (X[a] - X[b]) / (Ya - Yb);
          }
        }
        if (nx > 2) {  // insertion sort: rings are usually convex (nx == 2)
          for (var q = 1; q < nx; q++) { var t = xs[q], r = q - 1; while (r >= 0 && xs[r] > t) { xs[r + 1] = xs[r]; r--; } xs[r + 1] = t; }
        } else if (nx === 2 && xs[0] > xs[1]) { var sw = xs[0]; xs[0] = xs[1]; xs[1] = sw; }
        row = y * w;
        var edgeRow = (y === ya || y === yb) ? rim : col;
        for (var p = 0; p + 1 < nx; p += 2) {
          var sx = Math.max(0, Math.ceil(xs[p] - 0.5)), ex = Math.min(w, Math.ceil(xs[p + 1] - 0.5));
          if (ex <= sx) { continue; }
          u32[row + sx] = rim;
          for (x = sx + 1; x < ex - 1; x++) { u32[row + x] = edgeRow; }
          u32[row + ex - 1] = rim;
        }
      }
    },

    _done: function (kind, t0) {
      this._flush();
      stats.draws++;
      stats.lastKind = kind;
      stats.lastMs = now() - t0;
      notify('drawn', kind, stats.lastMs);
    },

    drawAll: function (kind) {
      var ctx = this._ctx;
      if (this._raf) { cancelAnimationFrame(this._raf); this._raf = 0; }
      if (!ctx) { return; }
      var t0 = now(), c = this._container, W = c.width, H = c.height;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, W, H);
      if (!this.n) { return; }
      var k = this._k, ox = this._ox, oy = this._oy, n = this.n;
      var vx0 = ox / k, vy0 = oy / k, vx1 = (ox + W) / k, vy1 = (oy + H) / k;
      var x0 = this.x0, y0 = this.y0, x1 = this.x1, y1 = this.y1, size = this.size0, cls = this.cls;
      var poly = this._polyIdx, np = 0, pathMin = PATH_PX / k, nr = 0;
      if (!this._img || this._img.width !== W || this._img.height !== H) {
        this._img = ctx.createImageData(W, H);
        this._u32 = new Uint32Array(this._img.data.buffer);
      } else {
        this._u32.fill(0);
      }
      var u32 = this._u32;
      for (var i = 0; i < n; i++) {
        if (x1[i] < vx0 || x0[i] > vx1 || y1[i] < vy0 || y0[i] > vy1) { continue; }
        if (size[i] < pathMin) { this._raster(i, u32, W, H, k, ox, oy); nr++; } else { poly[np++] = i; }
      }
      if (nr) { ctx.putImageData(this._img, 0, 0); }
      if (np) { this._paths(ctx, poly, np, k, ox, oy); }
      stats.lastPoly = np;
      stats.lastRaster = nr;
      this._done(kind, t0);
    },

    // Large cells: anti-aliased canvas paths, per colour in batches of BATCH sub-paths.
    _paths: function (ctx, list, np, k, ox, oy) {
      var ncls = this.colors.length, counts = new Int32Array(ncls + 1), cls = this.cls, p;
      for (p = 0; p < np; p++) { counts[cls[list[p]] + 1]++; }
      for (var q = 0; q < ncls; q++) { counts[q + 1] += counts[q]; }
      var sorted = this._sorted, at = counts.slice(0, ncls);
      for (p = 0; p < np; p++) { var pi = list[p]; sorted[at[cls[pi]]++] = pi; }
      for (var cc = 0; cc < ncls; cc++) {
        var a = counts[cc], b = counts[cc + 1];
        if (a === b) { continue; }
        ctx.fillStyle = this.colors[cc];
        for (var s = a; s < b; s += BATCH) {
          ctx.beginPath();
          for (var m = s, e = Math.min(b, s + BATCH); m < e; m++) { this._trace(ctx, sorted[m], k, ox, oy); }
          ctx.fill();
        }
      }
      ctx.strokeStyle = cfg.cellStroke;
      ctx.lineWidth = this._dpr;
      for (var t = 0; t < np; t += BATCH) {
        ctx.beginPath();
        for (var r = t, f = Math.min(np, t + BATCH); r < f; r++) { this._trace(ctx, sorted[r], k, ox, oy); }
        ctx.stroke();
      }
    },

    // Repaints only `list` (cell indices): each cell's pixel box is rebuilt from every
    // cell overlapping it, exactly as a full draw would paint it.
    drawCells: function (list, kind) {
      var ctx = this._ctx;
      if (!ctx || !this.n) { return; }
      if (this._raf || list.length > PARTIAL_MAX || list.length > this.n / 4) { this.drawAll(kind); return; }
      var t0 = now(), W = this._container.width, H = this._container.height;
      var k = this._k, ox = this._ox, oy = this._oy, pathMin = PATH_PX / k, size = this.size0;
      var small = [], big = [], painted = 0;
      var collect = function (j) { (size[j] < pathMin ? small : big).push(j); };
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      for (var t = 0; t < list.length; t++) {
        var i = list[t];
        var rx0 = Math.max(0, Math.floor(this.x0[i] * k - ox) - 2), rx1 = Math.min(W, Math.ceil(this.x1[i] * k - ox) + 2);
        var ry0 = Math.max(0, Math.floor(this.y0[i] * k - oy) - 2), ry1 = Math.min(H, Math.ceil(this.y1[i] * k - oy) + 2);
        if (rx1 <= rx0 || ry1 <= ry0) { continue; }
        var w = rx1 - rx0, h = ry1 - ry0;
        small.length = 0; big.length = 0;
        this._query((rx0 + ox) / k, (ry0 + oy) / k, (rx1 + ox) / k, (ry1 + oy) / k, collect);
        small.sort(numeric);  // the full draw's order, so overlapping blocks match it
        var img = ctx.createImageData(w, h), u32 = new Uint32Array(img.data.buffer);
        for (var a = 0; a < small.length; a++) { this._raster(small[a], u32, w, h, k, ox + rx0, oy + ry0); }
        ctx.putImageData(img, rx0, ry0);
        if (big.length) {
          ctx.save();
          ctx.beginPath();
          ctx.rect(rx0, ry0, w, h);
          ctx.clip();
          this._paths(ctx, big, big.length, k, ox, oy);
          ctx.restore();
        }
        painted++;
      }
      stats.lastPartial = painted;
      this._done(kind, t0);
    },

    // Index of the cell containing the lat/lng, or -1.
    hitTest: function (latlng) {
      if (!this.n) { return -1; }
      var px = wxOf(latlng.lng), py = wyOf(latlng.lat), found = -1, self = this;
      this._query(px, py, px, py, function (i) {
        if (found < 0 && self._inside(i, px, py)) { found = i; }
      });
      return found;
    },

    _inside: function (i, px, py) {
      var off = this.ringOff, wx = this.wx, wy = this.wy, s = off[i], e = off[i + 1], inside = false;
      for (var a = s, b = e - 1; a < e; b = a++) {
        if ((wy[a] > py) !== (wy[b] > py) && px < (wx[b] - wx[a]) * (py - wy[a]) / (wy[b] - wy[a]) + wx[a]) {
          inside = !inside;
        }
      }
      return inside;
    },

    ring: function (i) {
      var off = this.ringOff, out = [];
      for (var j = off[i]; j < off[i + 1]; j++) { out.push(map.unproject([this.wx[j], this.wy[j]], 0)); }
      return out;
    },

    indexOfId: function (id) {
      if (!this._byId) {
        this._byId = new Map();
        for (var i = 0; i < this.n; i++) { this._byId.set(this.ids[i], i); }
      }
      var r = this._byId.get(id);
      return r === undefined ? -1 : r;
    }
  });

  function numeric(a, b) { return a - b; }

  // ---------------------------------------------------------------- boundaries
  // Light lines on a dark casing: readable over any cell colour.
  var LEVEL_STYLE = {
    country: {color: '#f2fbff', weight: 3, opacity: 1},
    province: {color: '#f2fbff', weight: 2.6, opacity: 1},
    city: {color: '#d6ecff', weight: 1.7, opacity: 0.95},
    county: {color: '#b9dcf5', weight: 1, opacity: 0.7},
    township: {color: '#9cc7e6', weight: 0.8, opacity: 0.6, dash: [4, 3]},
    community: {color: '#8fb8d6', weight: 0.6, opacity: 0.5, dash: [2, 3]}
  };

  function levelRank(level) {
    var i = cfg.levels.indexOf(level);
    return i < 0 ? cfg.levels.length : i;
  }

  // Administrative boundaries: rings fetched once as a binary blob (like cells), projected
  // once, drawn per level with vertices closer than half a pixel dropped, so a province
  // outline of 30,000 vertices costs what its few thousand visible pixels cost.
  var BoundaryLayer = CanvasLayer.extend({
    options: {padding: 0.1, pane: 'cmapBoundaries'},

    initialize: function (options) {
      CanvasLayer.prototype.initialize.call(this, options);
      this.nr = 0;
    },

    setData: function (meta, buf) {
      var dv = new DataView(buf);
      if (dv.getUint32(0, true) !== 0x31424d43) { throw new Error('boundaries: bad magic'); }  // "CMB1"
      var nr = dv.getUint32(4, true), nv = dv.getUint32(8, true), pos = 16;
      this.ringFeature = new Int32Array(buf, pos, nr); pos += 4 * nr;
      this.ringOff = new Int32Array(buf, pos, nr + 1); pos += 4 * (nr + 1);
      var ll = new Float32Array(buf, pos, 2 * nv);
      var wx = this.wx = new Float64Array(nv), wy = this.wy = new Float64Array(nv), v, r;
      for (v = 0; v < nv; v++) { wx[v] = wxOf(ll[2 * v]); wy[v] = wyOf(ll[2 * v + 1]); }
      this.features = meta.features.map(function (f) {
        return {adcode: f.adcode, level: f.level, rank: levelRank(f.level), bbox: [Infinity, Infinity, -Infinity, -Infinity], rings: []};
      });
      var bb = this.ringBox = new Float64Array(4 * nr);
      for (r = 0; r < nr; r++) {
        var a = Infinity, b = Infinity, c = -Infinity, d = -Infinity;
        for (v = this.ringOff[r]; v < this.ringOff[r + 1]; v++) {
          if (wx[v] < a) { a = wx[v]; } if (wx[v] > c) { c = wx[v]; }
          if (wy[v] < b) { b = wy[v]; } if (wy[v] > d) { d = wy[v]; }
        }
        bb[4 * r] = a; bb[4 * r + 1] = b; bb[4 * r + 2] = c; bb[4 * r + 3] = d;
        var f = this.features[this.ringFeature[r]], fb = f.bbox;
        f.rings.push(r);
        if (a < fb[0]) { fb[0] = a; } if (b < fb[1]) { fb[1] = b; } if (c > fb[2]) { fb[2] = c; } if (d > fb[3]) { fb[3] = d; }
      }
      this.nr = nr;
      this.levels = meta.levels || [];
      this._pts = new Float32Array(2 * nv + 2 * nr);
      this._ringStart = new Int32Array(nr + 1);
      this._ringLevel = new Int32Array(nr);
      for (r = 0; r < nr; r++) { this._ringLevel[r] = this.features[this.ringFeature[r]].rank; }
      this._scheduleDraw('boundaries');
    },

    drawAll: function (kind) {
      var ctx = this._ctx;
      if (this._raf) { cancelAnimationFrame(this._raf); this._raf = 0; }
      if (!ctx) { return; }
      var t0 = now(), c = this._container, W = c.width, H = c.height;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, W, H);
      if (!this.nr) { return; }
      var k = this._k, ox = this._ox, oy = this._oy, dpr = this._dpr, margin = 20 * dpr;
      var vx0 = (ox - margin) / k, vy0 = (oy - margin) / k, vx1 = (ox + W + margin) / k, vy1 = (oy + H + margin) / k;
      // decimated device coordinates of the visible rings, computed once for all passes
      var pts = this._pts, start = this._ringStart, bb = this.ringBox, wx = this.wx, wy = this.wy, off = this.ringOff;
      var np = 0, visible = [], r, v;
      for (r = 0; r < this.nr; r++) {
        start[r] = np;
        if (bb[4 * r + 2] < vx0 || bb[4 * r] > vx1 || bb[4 * r + 3] < vy0 || bb[4 * r + 1] > vy1) { continue; }
        if ((bb[4 * r + 2] - bb[4 * r]) * k < 1 && (bb[4 * r + 3] - bb[4 * r + 1]) * k < 1) { continue; }  // a dot
        var s = off[r], e = off[r + 1], lx = wx[s] * k - ox, ly = wy[s] * k - oy, first = np;
        pts[np++] = lx; pts[np++] = ly;
        for (v = s + 1; v < e; v++) {
          var x = wx[v] * k - ox, y = wy[v] * k - oy, dx = x - lx, dy = y - ly;
          if (dx * dx + dy * dy >= 0.25 || v === e - 1) { pts[np++] = x; pts[np++] = y; lx = x; ly = y; }
        }
        pts[np++] = pts[first]; pts[np++] = pts[first + 1];  // close
        visible.push(r);
      }
      start[this.nr] = np;
      var self = this, top = this.levels.length ? levelRank(this.levels[0]) : -1;
      var stroke = function (filter, color, width, alpha, dash) {
        ctx.strokeStyle = color; ctx.lineWidth = width * dpr; ctx.globalAlpha = alpha;
        ctx.setLineDash(dash ? dash.map(function (d) { return d * dpr; }) : []);
        var inPath = 0;
        ctx.beginPath();
        for (var i = 0; i < visible.length; i++) {
          var rr = visible[i];
          if (!filter(self._ringLevel[rr])) { continue; }
          var a = start[rr], b = start[rr + 1];
          ctx.moveTo(pts[a], pts[a + 1]);
          for (var q = a + 2; q < b; q += 2) { ctx.lineTo(pts[q], pts[q + 1]); }
          inPath += (b - a) / 2;
          if (inPath > 4000) { ctx.stroke(); ctx.beginPath(); inPath = 0; }
        }
        if (inPath) { ctx.stroke(); }
      };
      ctx.lineJoin = 'round'; ctx.lineCap = 'round';
      if (top >= 0) { stroke(function (lv) { return lv === top; }, '#5ee1ff', 12, 0.14); }  // glow
      var ranks = this.levels.map(levelRank).sort(function (a, b) { return b - a; });  // finest first
      ranks.forEach(function (rank) {
        var st = LEVEL_STYLE[cfg.levels[rank]] || LEVEL_STYLE.county;
        stroke(function (lv) { return lv === rank; }, '#02060c', st.weight + 3, 0.55 * st.opacity);
      });
      ranks.forEach(function (rank) {
        var st = LEVEL_STYLE[cfg.levels[rank]] || LEVEL_STYLE.county;
        stroke(function (lv) { return lv === rank; }, st.color, st.weight, st.opacity, st.dash);
      });
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      this._flush();
      stats.boundaryDrawMs = now() - t0;
      void kind;
    },

    // The finest region containing the lat/lng (even-odd over all rings of a feature).
    regionAt: function (latlng) {
      if (!this.nr) { return null; }
      var px = wxOf(latlng.lng), py = wyOf(latlng.lat), best = null, wx = this.wx, wy = this.wy, off = this.ringOff;
      for (var f = 0; f < this.features.length; f++) {
        var ft = this.features[f], fb = ft.bbox;
        if (px < fb[0] || px > fb[2] || py < fb[1] || py > fb[3]) { continue; }
        if (best && ft.rank <= best.rank) { continue; }
        var inside = false;
        for (var j = 0; j < ft.rings.length; j++) {
          var r = ft.rings[j], s = off[r], e = off[r + 1];
          for (var a = s, b = e - 1; a < e; b = a++) {
            if ((wy[a] > py) !== (wy[b] > py) && px < (wx[b] - wx[a]) * (py - wy[a]) / (wy[b] - wy[a]) + wx[a]) { inside = !inside; }
          }
        }
        if (inside) { best = ft; }
      }
      return best;
    }
  });

  // Region choropleth: boundary features filled by value (e.g. the safety index), drawn
  // from the boundary layer's projected rings, even-odd over all rings of a feature.
  var ChoroplethLayer = CanvasLayer.extend({
    options: {padding: 0.1, pane: 'cmapChoropleth'},

    initialize: function (options) {
      CanvasLayer.prototype.initialize.call(this, options);
      this.style = null;
      this.values = {};
    },

    setValues: function (style, values) {
      this.style = style;
      this.values = values || {};
      this._scheduleDraw('choropleth');
    },

    classOf: function (v) {
      if (v === undefined || v === null || v !== v) { return -1; }
      var t = this.style.thresholds, c = 0;
      for (var i = 0; i < t.length; i++) { if (v >= t[i]) { c = i + 1; } else { break; } }
      return c;
    },

    drawAll: function (kind) {
      var ctx = this._ctx;
      if (this._raf) { cancelAnimationFrame(this._raf); this._raf = 0; }
      if (!ctx) { return; }
      var t0 = now(), c = this._container;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, c.width, c.height);
      var bl = boundaryLayer;
      if (!this.style || !bl || !bl.nr) { return; }
      var k = this._k, ox = this._ox, oy = this._oy, wx = bl.wx, wy = bl.wy, off = bl.ringOff;
      var filled = 0;
      ctx.globalAlpha = 0.78;
      for (var f = 0; f < bl.features.length; f++) {
        var ft = bl.features[f], cls = this.classOf(this.values[ft.adcode]);
        if (cls < 0) { continue; }
        ctx.fillStyle = this.style.colors[cls];
        ctx.beginPath();
        for (var j = 0; j < ft.rings.length; j++) {
          var r = ft.rings[j], s = off[r], e = off[r + 1];
          ctx.moveTo(wx[s] * k - ox, wy[s] * k - oy);
          for (var v = s + 1; v < e; v++) { ctx.lineTo(wx[v] * k - ox, wy[v] * k - oy); }
          ctx.closePath();
        }
        ctx.fill('evenodd');
        filled++;
      }
      ctx.globalAlpha = 1;
      this._flush();
      stats.choroplethFilled = filled;
      stats.choroplethMs = now() - t0;
      void kind;
    }
  });

  function setBoundaries(meta, buf) {
    boundaryLayer.setData(meta, buf);
    if (choroplethLayer) { choroplethLayer._scheduleDraw('choropleth'); }
    labelGroup.clearLayers();
    (meta.labels || []).forEach(function (lb) {
      labelGroup.addLayer(L.marker([lb.lat, lb.lon], {
        pane: 'cmapLabels', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'cm-region-label', html: '<span>' + escapeHtml(lb.name) + '</span>', iconSize: null})
      }));
    });
    var b = meta.bounds;
    territory = b ? L.latLngBounds([b[1], b[0]], [b[3], b[2]]) : null;
    if (autoFit) { fitTerritory(); }
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  // ---------------------------------------------------------------- points + clustering
  // Grid clustering in screen space, recomputed on every moveend for the points in view:
  // cheap for tens of thousands of points and never more than a few hundred DOM markers.
  var PointLayer = L.LayerGroup.extend({
    initialize: function (kind, radius) {
      L.LayerGroup.prototype.initialize.call(this);
      this.kind = kind;
      this.radius = radius;
      this.points = [];
      this.selected = null;
    },
    onAdd: function (m) {
      L.LayerGroup.prototype.onAdd.call(this, m);
      m.on('moveend', this.refresh, this);
      this.refresh();
    },
    onRemove: function (m) {
      m.off('moveend', this.refresh, this);
      L.LayerGroup.prototype.onRemove.call(this, m);
    },
    setPoints: function (pts) {
      this.points = pts.map(function (p) {
        return {p: p, wx: wxOf(p.lon), wy: wyOf(p.lat)};
      });
      this.refresh();
    },
    find: function (id) {
      for (var i = 0; i < this.points.length; i++) { if (this.points[i].p.id === id) { return this.points[i].p; } }
      return null;
    },
    refresh: function () {
      if (!this._map) { return; }
      this.clearLayers();
      var z = map.getZoom(), k = Math.pow(2, z), size = map.getSize();
      var o = map.getPixelBounds().min, pad = 80, R = this.radius;
      var clusterOn = z < 16, bins = new Map(), singles = [];
      for (var i = 0; i < this.points.length; i++) {
        var q = this.points[i], x = q.wx * k - o.x, y = q.wy * k - o.y;
        if (x < -pad || y < -pad || x > size.x + pad || y > size.y + pad) { continue; }
        if (!clusterOn || q.p.id === this.selected) { singles.push(q.p); continue; }
        var gx = Math.floor(x / R), gy = Math.floor(y / R), key = gx + ':' + gy, bin = bins.get(key);
        if (!bin) { bin = {gx: gx, gy: gy, pts: [], sx: 0, sy: 0, gone: false}; bins.set(key, bin); }
        bin.pts.push(q); bin.sx += x; bin.sy += y;
      }
      // Greedy merge of neighbouring bins whose centres are closer than R: no two
      // cluster discs end up on top of each other.
      var order = Array.from(bins.values()).sort(function (a, b) { return b.pts.length - a.pts.length; });
      order.forEach(function (b) {
        if (b.gone) { return; }
        for (var dy = -1; dy <= 1; dy++) {
          for (var dx = -1; dx <= 1; dx++) {
            var nb = bins.get((b.gx + dx) + ':' + (b.gy + dy));
            if (!nb || nb === b || nb.gone) { continue; }
            var cx = b.sx / b.pts.length - nb.sx / nb.pts.length, cy = b.sy / b.pts.length - nb.sy / nb.pts.length;
            if (cx * cx + cy * cy < R * R) {
              b.pts = b.pts.concat(nb.pts); b.sx += nb.sx; b.sy += nb.sy; nb.gone = true;
            }
          }
        }
      });
      var self = this;
      order.forEach(function (b) {
        if (b.gone) { return; }
        if (b.pts.length === 1) { singles.push(b.pts[0].p); } else { self.addLayer(self._cluster(b.pts)); }
      });
      singles.forEach(function (p) { self.addLayer(self._marker(p)); });
    },
    _cluster: function (bin) {
      var sx = 0, sy = 0, worst = null, worstRank = 1e9, self = this;
      var bounds = L.latLngBounds([]);
      bin.forEach(function (q) {
        sx += q.wx; sy += q.wy;
        bounds.extend([q.p.lat, q.p.lon]);
        var r = self._severity(q.p);
        if (r < worstRank) { worstRank = r; worst = q.p; }
      });
      var ll = map.unproject([sx / bin.length, sy / bin.length], 0);
      var color = this._color(worst), n = bin.length;
      var d = n < 10 ? 34 : n < 100 ? 40 : 48;
      var icon = L.divIcon({
        className: 'cm-cluster cm-' + this.kind,
        html: '<div style="--c:' + color + '"><span>' + n + '</span></div>',
        iconSize: [d, d]
      });
      var mk = L.marker(ll, {icon: icon, keyboard: false, riseOnHover: true, pane: this.pane()});
      mk.on('click', function () {
        map.fitBounds(bounds.pad(0.3), {maxZoom: Math.min(map.getZoom() + 3, 18)});  // a person's zoom
      });
      return mk;
    },
    // Cameras, units, incidents and alerts each in a pane of their own (mapview.page.PANES).
    pane: function () { return (cfg.pointPanes || {})[this.kind] || 'markerPane'; },
    _severity: function (p) {
      if (this.kind === 'alerts') { var a = cfg.alertSeverity.indexOf(p.status); return a < 0 ? 99 : a; }
      if (this.kind !== 'incidents') { return p.status === 'offline' ? 1 : 0; }
      var i = cfg.incidentSeverity.indexOf(p.status);
      return (i < 0 ? 99 : i * 10) + priorityRank(p.priority);
    },
    _color: function (p) {
      if (this.kind === 'alerts') { var al = p && cfg.alertLevel[p.status]; return al ? al.color : '#9fb3c8'; }
      var table = this.kind === 'incidents' ? cfg.incidentStatus : this.kind === 'resources' ? cfg.resourceStatus : cfg.cameraStatus;
      var s = p && table[p.status];
      if (s) { return s.color; }
      return this.kind === 'incidents' ? cfg.incidentStatus['new'].color : '#9fb3c8';
    },
    _marker: function (p) {
      var color = this._color(p), html, size, cls = 'cm-pt cm-' + this.kind;
      if (p.id === this.selected) { cls += ' cm-selected'; }
      if (this.kind === 'incidents') {
        var pr = priorityRank(p.priority);
        size = pr === 0 ? 22 : pr === 1 ? 17 : 13;
        cls += ' cm-pri-' + pr;
        html = '<div class="cm-dot" style="--c:' + color + '"></div>';
      } else if (this.kind === 'alerts') {
        size = (p.status === 'red' || p.status === 'orange') ? 30 : 24;
        cls += ' cm-alert-' + p.status;
        html = '<div class="cm-alert" style="--c:' + color + '"><span>!</span></div>';
      } else if (this.kind === 'resources') {
        size = 22;
        var glyph = cfg.resourceKind[p.kind] || cfg.resourceDefault || '?';
        html = '<div class="cm-res" style="--c:' + color + '">' + escapeHtml(glyph) + '</div>';
      } else {
        size = 20;
        html = '<div class="cm-cam" style="--c:' + color + '"><svg viewBox="0 0 24 24" width="14" height="14">' +
          '<path fill="currentColor" d="M3 7h11a2 2 0 0 1 2 2v1.2l4.3-2.5A.5.5 0 0 1 21 8.1v7.8a.5.5 0 0 1-.7.4L16 13.8V15a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2z"/></svg></div>';
      }
      var mk = L.marker([p.lat, p.lon], {
        icon: L.divIcon({className: cls, html: html, iconSize: [size, size]}),
        keyboard: false, title: p.label || '', riseOnHover: true, pane: this.pane(),
        zIndexOffset: p.id === this.selected ? 1000 : 0
      });
      var kind = this.kind;
      mk.on('click', function () {
        if (kind === 'incidents') { notify('incidentClicked', p.id); }
        else if (kind === 'alerts') { notify('alertClicked', p.id); }
        else if (kind === 'cameras') { notify('cameraClicked', p.id); }
        else { notify('resourceClicked', p.id); }
      });
      return mk;
    }
  });

  function priorityRank(p) {
    if (p === 1 || p === '1' || p === 'high' || p === 'urgent') { return 0; }
    if (p === 2 || p === '2' || p === 'medium') { return 1; }
    return 2;
  }

  // ---------------------------------------------------------------- legend
  var Legend = L.Control.extend({
    options: {position: 'bottomright'},
    onAdd: function () {
      this._div = L.DomUtil.create('div', 'cm-legend');
      L.DomEvent.disableClickPropagation(this._div);
      this.render();
      return this._div;
    },
    setMetric: function (style) { this.metric = style; this.render(); },
    setIncidents: function (statuses) { this.statuses = statuses; this.render(); },
    setAlerts: function (levels) { this.alertLevels = levels; this.render(); },
    setChoropleth: function (style) { this.choropleth = style; this.render(); },
    render: function () {
      if (!this._div) { return; }
      var h = '';
      var s = this.metric;
      if (s) {
        h += '<div class="cm-legend-title">' + escapeHtml(s.title) + '</div>';
        for (var i = s.colors.length - 1; i >= 0; i--) {
          h += '<div class="cm-legend-row"><i style="background:' + s.colors[i] + '"></i>' + escapeHtml(s.labels[i]) + '</div>';
        }
        h += '<div class="cm-legend-row"><i style="background:' + s.nodata.color + '"></i>' + escapeHtml(s.nodata.label) + '</div>';
      }
      if (this.statuses && this.statuses.length) {
        h += '<div class="cm-legend-title cm-legend-sub">' + escapeHtml(cfg.legendTitles.incidents) + '</div>';
        this.statuses.forEach(function (st) {
          var e = cfg.incidentStatus[st];
          if (e) { h += '<div class="cm-legend-row"><b style="background:' + e.color + '"></b>' + escapeHtml(e.label) + '</div>'; }
        });
      }
      if (this.alertLevels && this.alertLevels.length && map.hasLayer(pointLayers.alerts)) {
        h += '<div class="cm-legend-title cm-legend-sub">' + escapeHtml(cfg.legendTitles.alerts) + '</div>';
        this.alertLevels.forEach(function (lv) {
          var e = cfg.alertLevel[lv];
          if (e) { h += '<div class="cm-legend-row"><b class="cm-legend-alert" style="background:' + e.color + '"></b>' + escapeHtml(e.label) + '</div>'; }
        });
      }
      var c = this.choropleth;
      if (c && choroplethLayer && map.hasLayer(choroplethLayer)) {
        h += '<div class="cm-legend-title cm-legend-sub">' + escapeHtml(c.title) + '</div>';
        for (var j = c.colors.length - 1; j >= 0; j--) {
          h += '<div class="cm-legend-row"><i style="background:' + c.colors[j] + '"></i>' + escapeHtml(c.labels[j]) + '</div>';
        }
      }
      this._div.innerHTML = h;
      this._div.style.display = h ? '' : 'none';
    }
  });

  // ---------------------------------------------------------------- fit control
  // "⤢ 全览": back to the whole region after a person zoomed or panned (the map then follows
  // the region again); marked while the map does not follow it.
  var FitControl = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      var bar = L.DomUtil.create('div', 'leaflet-bar cm-fit');
      this._a = L.DomUtil.create('a', 'cm-fit-button', bar);
      this._a.href = '#';
      this._a.setAttribute('role', 'button');
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(this._a, 'click', function (e) {
        L.DomEvent.preventDefault(e);
        setAutoFit(true);
        fitTerritory();
      });
      this.render();
      return bar;
    },
    render: function () {
      if (!this._a) { return; }
      this._a.textContent = cfg.fitLabel || '⤢';
      this._a.title = cfg.fitTitle || '';
      if (autoFit) { L.DomUtil.removeClass(this._a, 'cm-fit-off'); } else { L.DomUtil.addClass(this._a, 'cm-fit-off'); }
    }
  });

  // ---------------------------------------------------------------- public API (called from Python)
  CMap.init = function (leafletMap, config) {
    map = leafletMap;
    cfg = config || {};
    var m = /[?&]g=(\d+)/.exec(location.search);
    gen = m ? parseInt(m[1], 10) : 0;
    document.documentElement.style.background = cfg.background;
    map.getContainer().style.background = cfg.background;
    (cfg.panes || []).forEach(function (p) {
        var pane = map.createPane(p[0]);
        pane.style.zIndex = p[1];
        if (!p[2]) { pane.style.pointerEvents = 'none'; }
      });
    cellLayer = new CellLayer();
    boundaryLayer = new BoundaryLayer();
    choroplethLayer = new ChoroplethLayer();
    labelGroup = L.layerGroup();
    boundaryGroup = L.layerGroup([boundaryLayer, labelGroup]);
    pointLayers.incidents = new PointLayer('incidents', 46);
    pointLayers.resources = new PointLayer('resources', 40);
    pointLayers.cameras = new PointLayer('cameras', 36);
    pointLayers.alerts = new PointLayer('alerts', 40);
    cellLayer.addTo(map);
    boundaryGroup.addTo(map);
    pointLayers.resources.addTo(map);
    pointLayers.cameras.addTo(map);
    pointLayers.incidents.addTo(map);
    layerControl = L.control.layers(null, {}, {collapsed: false, position: 'topright'}).addTo(map);
    [['boundaries', boundaryGroup], ['cells', cellLayer], ['incidents', pointLayers.incidents],
      ['resources', pointLayers.resources], ['cameras', pointLayers.cameras]]
      .forEach(function (e) { addOverlay(e[0], e[1]); });
    legend = new Legend().addTo(map);
    fitControl = new FitControl().addTo(map);
    map.on('overlayadd overlayremove', function () { legend.render(); });

    map.on('movestart zoomstart', function () { if (!programmatic) { setAutoFit(false); } });
    map.on('resize', function () { if (autoFit) { fitTerritory(); } });
    map.on('click', function (e) {
      var i = cellLayer.hitTest(e.latlng);
      if (i >= 0) { showHighlight(i); notify('cellClicked', cellLayer.ids[i]); }
    });
    map.on('dblclick', function (e) {
      var r = boundaryLayer.regionAt(e.latlng);
      if (r) { notify('regionDoubleClicked', r.adcode); }
    });
    window.addEventListener('error', function (e) { report(e.error || e.message); });

    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      notify('pageReady');
    });
  };

  // The index and alert layers join the map (and its toggles) when they first get data, so
  // a wall without them shows no empty toggle. Alerts are then shown; the index is not
  // (it would cover the cells) until asked for.
  var lateOverlays = {};
  function ensureOverlay(name, show) {
    if (lateOverlays[name]) { return; }
    lateOverlays[name] = true;
    var layer = name === 'choropleth' ? choroplethLayer
      : name === 'dispatch' ? dispatchLayer : pointLayers[name];
    if (show && !map.hasLayer(layer)) { map.addLayer(layer); }
    addOverlay(name, layer);
  }

  // The layer toggles in the order they joined, so a language switch can rename them.
  var overlayOrder = [];
  function addOverlay(name, layer) {
    overlayOrder.push([name, layer]);
    layerControl.addOverlay(layer, (cfg.layers || {})[name] || name);
  }

  // The page's own labels in the console's language (mapview.page.page_texts).
  CMap.setTexts = function (t) {
    ['incidentStatus', 'resourceStatus', 'cameraStatus', 'alertLevel'].forEach(function (k) {
      var table = cfg[k] || {}, labels = t[k] || {};
      Object.keys(labels).forEach(function (s) { if (table[s]) { table[s].label = labels[s]; } });
    });
    ['layers', 'resourceKind', 'resourceDefault', 'legendTitles', 'fitLabel', 'fitTitle'].forEach(function (k) {
      if (t[k] !== undefined) { cfg[k] = t[k]; }
    });
    if (!layerControl) { return; }
    overlayOrder.forEach(function (e) { layerControl.removeLayer(e[1]); });
    overlayOrder.forEach(function (e) { layerControl.addOverlay(e[1], cfg.layers[e[0]] || e[0]); });
    legend.render();
    fitControl.render();
    Object.keys(pointLayers).forEach(function (k) { pointLayers[k].refresh(); });
  };

  function showHighlight(i) {
    if (highlight) { map.removeLayer(highlight); highlight = null; }
    if (i < 0) { return; }
    highlight = L.polygon(cellLayer.ring(i), {
      pane: 'cmapHighlight', interactive: false, color: '#ffffff', weight: 3, fill: false,
      renderer: highlightRenderer || (highlightRenderer = L.svg({pane: 'cmapHighlight'}))
    }).addTo(map);
  }

  CMap.setCells = function (url) {
    run(function () {
      var t0 = now();
      return fetch(url).then(function (r) {
        if (!r.ok) { throw new Error('cells: HTTP ' + r.status); }
        return r.arrayBuffer();
      }).then(function (buf) {
        showHighlight(-1);
        cellsBounds = cellLayer.setGeometry(buf);
        stats.loadMs = now() - t0;
        if (!territory && autoFit) { fitTerritory(); }
        cellLayer._scheduleDraw('cells');  // a metric that follows at once draws instead
      });
    });
  };

  CMap.setMetric = function (style, b64) {
    run(function () {
      cellLayer.setStyle(style.thresholds, style.colors, style.nodata.color);
      var bytes = b64ToBytes(b64);
      var vals = new Float32Array(bytes.buffer, 0, bytes.length / 4);
      if (vals.length !== cellLayer.n) { throw new Error('metric: ' + vals.length + ' values for ' + cellLayer.n + ' cells'); }
      cellLayer.setValues(vals);
      legend.setMetric(style);
      cellLayer.drawAll('metric');
    });
  };

  CMap.updateValues = function (idx, vals) {
    run(function () {
      var changed = cellLayer.updateValues(idx, vals);
      stats.lastRestyled = changed.map(function (i) { return cellLayer.ids[i]; });
      cellLayer.drawCells(changed, 'update');
    });
  };

  CMap.setBoundaries = function (meta, url) {
    run(function () {
      var t0 = now();
      return fetch(url).then(function (r) {
        if (!r.ok) { throw new Error('boundaries: HTTP ' + r.status); }
        return r.arrayBuffer();
      }).then(function (buf) {
        setBoundaries(meta, buf);
        stats.boundariesMs = now() - t0;
      });
    });
  };

  CMap.setPoints = function (layer, pts) {
    run(function () {
      var pl = pointLayers[layer];
      if (!pl) { throw new Error('no point layer ' + layer); }
      if (layer === 'alerts') { ensureOverlay('alerts', true); }
      pl.setPoints(pts);
      if (layer === 'incidents') {
        var seen = {};
        pts.forEach(function (p) { seen[p.status] = true; });
        legend.setIncidents(cfg.incidentSeverity.filter(function (s) { return seen[s]; }));
      } else if (layer === 'alerts') {
        var lv = {};
        pts.forEach(function (p) { lv[p.status] = true; });
        legend.setAlerts(cfg.alertSeverity.filter(function (s) { return lv[s]; }));
      }
    });
  };

  // Dispatch routes: a dashed line from each unit on an active dispatch to its incident.
  var dispatchLayer = L.layerGroup(), dispatchRenderer = L.svg();  // few lines: SVG is fine
  CMap.setDispatchLines = function (lines) {
    run(function () {
      ensureOverlay('dispatch', true);
      dispatchLayer.clearLayers();
      var colors = cfg.dispatchLine || {};
      lines.forEach(function (d) {
        L.polyline([[d.unit_lat, d.unit_lon], [d.incident_lat, d.incident_lon]], {
          color: colors[d.status] || '#ffb020', weight: 3, opacity: 0.9,
          dashArray: d.status === 'arrived' ? null : '8 6', interactive: false,
          renderer: dispatchRenderer
        }).addTo(dispatchLayer);
      });
    });
  };

  CMap.setChoropleth = function (style, values) {
    run(function () {
      ensureOverlay('choropleth', false);
      choroplethLayer.setValues(style, values);
      legend.setChoropleth(style);
    });
  };

  CMap.fit = function () { run(function () { setAutoFit(true); fitTerritory(); }); };

  CMap.selectIncident = function (id) { CMap.selectPoint('incidents', id); };

  CMap.selectPoint = function (layer, id) {
    run(function () {
      var pl = pointLayers[layer];
      if (!pl) { throw new Error('no point layer ' + layer); }
      var p = pl.find(id);
      pl.selected = id;
      if (p && !map.getBounds().pad(-0.05).contains([p.lat, p.lon])) {
        withoutUser(function () { map.setView([p.lat, p.lon], Math.max(map.getZoom(), 12), {animate: false}); });
        setAutoFit(false);  // the operator now looks at this point, not the territory
      }
      pl.refresh();
    });
  };

  CMap.setLayerVisible = function (name, on) {
    run(function () {
      var layer = {boundaries: boundaryGroup, cells: cellLayer, choropleth: choroplethLayer,
                   dispatch: dispatchLayer}[name] || pointLayers[name];
      if (!layer) { throw new Error('no layer ' + name); }
      if (name === 'choropleth' || name === 'alerts' || name === 'dispatch') { ensureOverlay(name, false); }
      if (on && !map.hasLayer(layer)) { map.addLayer(layer); }
      if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
      legend.render();
    });
  };

  // For tests and diagnostics: a snapshot of the page's state.
  CMap.state = function () {
    var c = map.getCenter();
    return {
      gen: gen, n: cellLayer.n, autoFit: autoFit, zoom: map.getZoom(), center: [c.lat, c.lng],
      draws: stats.draws, lastKind: stats.lastKind, lastMs: stats.lastMs, lastPartial: stats.lastPartial,
      lastRestyled: stats.lastRestyled, lastPoly: stats.lastPoly, flushMs: stats.flushMs, boundariesMs: stats.boundariesMs, loadMs: stats.loadMs,
      busy: inflight !== null, layers: Object.keys(pointLayers).filter(function (k) { return map.hasLayer(pointLayers[k]); }),
      choropleth: {on: map.hasLayer(choroplethLayer), n: Object.keys(choroplethLayer.values).length, filled: stats.choroplethFilled || 0},
      alerts: pointLayers.alerts.points.map(function (q) { return {id: q.p.id, level: q.p.status}; })
    };
  };
  CMap.choroplethClass = function (adcode) {
    if (!choroplethLayer.style) { return -1; }
    return choroplethLayer.classOf(choroplethLayer.values[adcode]);
  };
  CMap.cellClass = function (id) { var i = cellLayer.indexOfId(id); return i < 0 ? -1 : cellLayer.cls[i]; };
  CMap.cellValue = function (id) { var i = cellLayer.indexOfId(id); return i < 0 ? null : cellLayer.values[i]; };
  // Container pixel of a cell's interior point (the first vertex pulled towards the centre).
  CMap.cellPoint = function (id) {
    var i = cellLayer.indexOfId(id);
    if (i < 0) { return null; }
    var ring = cellLayer.ring(i), lat = 0, lng = 0;
    ring.forEach(function (ll) { lat += ll.lat; lng += ll.lng; });
    var p = map.latLngToContainerPoint([lat / ring.length, lng / ring.length]);
    return [p.x, p.y, lat / ring.length, lng / ring.length];
  };
  CMap.clickAt = function (lat, lng) { map.fire('click', {latlng: L.latLng(lat, lng)}); };
  CMap.dblclickAt = function (lat, lng) { map.fire('dblclick', {latlng: L.latLng(lat, lng)}); };
  CMap.map = function () { return map; };
  CMap.debug = function () { return {cellLayer: cellLayer, cfg: cfg, stats: stats, pointLayers: pointLayers}; };
})();
