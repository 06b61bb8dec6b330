/* report.js — draws report.html from the report.json object embedded in the
 * page (script#fsim-report; docs/report-schema.md, version 1).
 *
 * Every value of the report is treated as hostile: it reaches the page only as
 * text (createTextNode, textContent) or as the value of an attribute that is
 * never a URL or a handler; nothing of it is parsed as HTML. Any member may be
 * missing or of the wrong type: the page then draws what it can and says what
 * it skipped. The file is inlined in a script element, so it never contains an
 * angle bracket followed by a slash (harness/report_html.c checks).
 */
'use strict';
(function () {
	const t0 = performance.now();
	const d = document;
	const problems = [];

	/* ---- values of unknown shape ---- */
	const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
	const obj = (v) => (isObj(v) ? v : {});
	const arr = (v) => (Array.isArray(v) ? v : []);
	function str(v) {
		if (typeof v === 'string') return v;
		if (v === null || v === undefined) return '';
		if (typeof v === 'number' || typeof v === 'boolean') return String(v);
		try { return JSON.stringify(v); } catch (e) { return String(e); }
	}
	/* A list of strings from an array or a comma-separated string (the pipeline's form). */
	function strs(v) {
		const a = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [];
		return a.map((x) => str(x).trim()).filter((x) => x !== '');
	}
	const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);

	/* ---- DOM ---- */
	function add(e, kids) {
		for (const k of Array.isArray(kids) ? kids : [kids]) {
			if (k === null || k === undefined || k === false) continue;
			e.appendChild(k instanceof Node ? k : d.createTextNode(str(k)));
		}
		return e;
	}
	/* h(tag, {cls, text, attribute: value}, kids): attribute names are ours, never the report's. */
	function h(tag, props, kids) {
		const e = d.createElement(tag);
		for (const k of Object.keys(props || {})) {
			const v = props[k];
			if (v === null || v === undefined || v === false) continue;
			if (k === 'text') e.textContent = str(v);
			else if (k === 'cls') e.className = v;
			else e.setAttribute(k, v === true ? '' : str(v));
		}
		if (kids !== undefined) add(e, kids);
		return e;
	}
	const hn = (level, props, kids) => h('h' + Math.min(Math.max(level, 2), 6), props, kids);

	/* ---- outcomes: a colour and always a symbol and a word ---- */
	const OUTCOMES = new Map([
		['pass', { sym: '\u2713', cls: 'o-pass' }],
		['fail', { sym: '\u2717', cls: 'o-fail' }],
		['refused', { sym: '\u2298', cls: 'o-refused' }],
	]);
	function outcomeOf(v) {
		const name = str(v);
		const o = OUTCOMES.get(name);
		return o ? { name, sym: o.sym, cls: o.cls } : { name: name || 'unknown', sym: '?', cls: 'o-unknown' };
	}
	function badge(v) {
		const o = outcomeOf(v);
		return h('span', { cls: 'badge ' + o.cls }, [h('span', { cls: 'sym', 'aria-hidden': 'true', text: o.sym }), o.name]);
	}
	const okText = (ok) => (ok === true ? '\u2713 ok' : ok === false ? '\u2717 not ok' : '\u2014');

	/* ---- the report ---- */
	let report = null;
	try {
		const node = d.getElementById('fsim-report');
		report = JSON.parse(node ? node.textContent : 'null');
	} catch (e) {
		problems.push('the embedded report is not JSON (' + e.message + ')');
	}
	if (!isObj(report)) {
		if (!problems.length) problems.push('the embedded report is not a JSON object');
		report = {};
	}
	if (report.schema !== 'fidosim-report/1') {
		problems.push('schema is ' + (report.schema === undefined ? 'missing' : JSON.stringify(report.schema)) +
			'; this page reads "fidosim-report/1" and shows what matches');
	}
	if (report.cells !== undefined && !Array.isArray(report.cells)) problems.push('cells is not an array');
	const cells = [];
	let skipped = 0;
	arr(report.cells).forEach((c) => { if (isObj(c)) cells.push(c); else skipped++; });
	if (skipped) problems.push(plural(skipped, 'cell is not an object', 'cells are not objects') + ' (skipped)');

	const byId = new Map();
	cells.forEach((c, i) => { const id = str(c.id); if (!byId.has(id)) byId.set(id, i); });
	if (byId.size !== cells.length) problems.push(plural(cells.length - byId.size, 'cell repeats', 'cells repeat') + ' an id');

	const matrix = [];
	cells.forEach((c, i) => { if (c.kind === 'matrix') matrix.push(i); });
	const axes = obj(report.axes);
	/* An axis: the names in axes, in order, then any a matrix cell names that axes lacks. */
	function axis(name, field) {
		const out = [], seen = new Set();
		const push = (s) => { if (!seen.has(s)) { seen.add(s); out.push(s); } };
		arr(axes[name]).forEach((v) => push(str(v)));
		const n = out.length;
		matrix.forEach((i) => push(str(cells[i][field])));
		if (out.length > n && n) problems.push('matrix cells name ' + plural(out.length - n, name.slice(0, -1), name) + ' that axes.' + name + ' lacks');
		return out;
	}
	const presets = axis('presets', 'preset'), platforms = axis('platforms', 'platform'), policies = axis('policies', 'policy');
	const cellAt = new Map();
	matrix.forEach((i) => {
		const c = cells[i], k = JSON.stringify([str(c.preset), str(c.platform), str(c.policy)]);
		if (cellAt.has(k)) problems.push('two matrix cells for ' + k + '; the first is shown');
		else cellAt.set(k, i);
	});
	const at = (pr, pf, po) => cellAt.get(JSON.stringify([pr, pf, po]));

	/* ---- cell details: the three views of each ceremony ---- */
	function sectionsOf(c) {
		const m = new Map(), secs = arr(c.sections);
		strs(c.rules).forEach((r, k) => m.set(r, str(secs[k])));
		return m;
	}
	function refusingRule(c) {
		for (const cer of arr(c.ceremonies)) {
			const e = obj(obj(obj(cer).delivered).error);
			if (e.rule) return str(e.rule);
		}
		const pr = strs(c.platformRules);
		if (pr.length) return pr[pr.length - 1];
		/* No platform rule: the authenticator refused, with a CTAP status. */
		for (const cer of arr(c.ceremonies)) {
			const st = str(obj(obj(cer).emitted).ctapStatus);
			if (st && st !== '0x00') return 'CTAP ' + st;
		}
		return '';
	}
	function fmtVal(v) {
		if (Array.isArray(v)) return v.map(str).join(', ');
		if (v === null) return 'null';
		return str(v);
	}
	/* The members of a view as dotted paths ("flags.be"), nested objects flattened. */
	function flat(v, prefix, out, depth) {
		if (isObj(v) && depth < 6) {
			const keys = Object.keys(v);
			for (const k of keys) flat(v[k], prefix ? prefix + '.' + k : k, out, depth + 1);
			if (!keys.length && prefix) out.set(prefix, '{}');
		} else {
			out.set(prefix || '(value)', fmtVal(v));
		}
		return out;
	}
	function pickVerdict(cer, policy) {
		if (isObj(cer.verdict)) return cer.verdict;
		const vs = arr(cer.verdicts).filter(isObj);
		return vs.find((v) => str(v.policy) === policy) || vs[0] || {};
	}
	function ruleList(ids, secs) {
		if (!ids.length) return h('p', { cls: 'muted', text: 'none' });
		return h('ul', { cls: 'plain' }, ids.map((r) => h('li', {}, [h('code', { text: r }),
			secs.get(r) ? ' \u2014 \u00a7 ' + secs.get(r) : ''])));
	}
	function ceremonyNodes(c, cer, idx, lv, secs) {
		const name = str(cer.ceremony) || 'ceremony ' + (idx + 1);
		const box = h('section', { cls: 'cer' }, hn(lv, { text: name.charAt(0).toUpperCase() + name.slice(1) }));
		const views = h('div', { cls: 'views' });
		const em = isObj(cer.emitted) ? flat(cer.emitted, '', new Map(), 0) : null;
		const dv = isObj(cer.delivered) ? flat(cer.delivered, '', new Map(), 0) : null;
		const keys = [...new Set([...(em ? em.keys() : []), ...(dv ? dv.keys() : [])])];
		const tb = h('tbody');
		for (const k of keys) {
			const a = em && em.has(k) ? em.get(k) : '\u2014', b = dv && dv.has(k) ? dv.get(k) : '\u2014';
			const changed = em && dv && em.has(k) && dv.has(k) && a !== b;
			add(tb, h('tr', { cls: changed ? 'changed' : null }, [h('td', {}, h('code', { text: k })), h('td', { text: a }),
				h('td', {}, [b, changed ? h('span', { cls: 'chg', text: ' (changed)' }) : null])]));
		}
		if (!keys.length) add(tb, h('tr', {}, h('td', { colspan: '3', cls: 'muted', text: 'no view recorded' })));
		const left = h('div', {}, [
			h('table', {}, [h('caption', { text: '1. What the provider emitted \u2192 2. what the platform delivered' }),
				h('thead', {}, h('tr', {}, [h('th', { scope: 'col', text: 'Field' }), h('th', { scope: 'col', text: '1. Provider emitted' }),
					h('th', { scope: 'col', text: '2. Platform delivered' })])), tb])]);
		const effects = arr(cer.platformEffects).filter(isObj);
		add(left, [h('h' + Math.min(lv + 1, 6), { text: 'Platform rules applied' }),
			effects.length ? h('ul', { cls: 'plain' }, effects.map((e) => h('li', {}, [h('code', { text: str(e.rule) }), ': ', str(e.what)])))
				: h('p', { cls: 'muted', text: 'none' })]);
		const v = pickVerdict(cer, str(c.policy));
		const rp = h('div', { cls: 'rp' }, h('h' + Math.min(lv + 1, 6), { text: '3. What the RP concluded' }));
		const dl = h('dl', { cls: 'kv' });
		const unseen = isObj(cer.delivered) && cer.delivered.ok === false;
		const verdictText = unseen ? 'nothing to judge: refused before the RP' : v.ran === false ? 'not run (no credential record)'
			: v.verified === true ? '\u2713 verified' : v.verified === false ? '\u2717 not verified' : '\u2014';
		add(dl, [h('dt', { text: 'Verdict' }), h('dd', { text: verdictText })]);
		add(dl, [h('dt', { text: 'Errors' }), h('dd', {}, ruleList(strs(v.errors), secs))]);
		add(dl, [h('dt', { text: 'Warnings' }), h('dd', {}, ruleList(strs(v.warnings), secs))]);
		if (v.firstError) add(dl, [h('dt', { text: 'First error' }), h('dd', { text: str(v.firstError) })]);
		if (v.libraryError) add(dl, [h('dt', { text: 'Library error' }), h('dd', { text: str(v.libraryError) })]);
		add(rp, dl);
		add(views, [left, rp]);
		return add(box, views);
	}
	/* The nodes that describe cell c; lv is the level of its sub-headings. */
	function detail(c, lv) {
		const out = [];
		const dl = h('dl', { cls: 'kv' });
		const kv = (k, v, mono) => { if (v !== '' && v !== null) add(dl, [h('dt', { text: k }), h('dd', { cls: mono ? 'mono' : null }, v)]); };
		kv('Outcome', badge(c.outcome));
		if (c.kind !== 'matrix') { kv('Expected', c.expected === null || c.expected === undefined ? '\u2014' : str(c.expected)); kv('Agrees', okText(c.ok)); }
		kv('Kind', str(c.kind));
		kv('Authenticator preset', str(c.preset), true);
		kv('Platform', str(c.platform), true);
		kv('RP policy', str(c.policy), true);
		kv('Subject', str(c.subject), true);
		if (str(c.outcome) === 'refused') kv('Refused by', refusingRule(c), true);
		kv('Why', str(c.why));
		kv('Library error', str(c.libraryError));
		out.push(dl);
		const secs = sectionsOf(c), rules = strs(c.rules);
		out.push(hn(lv, { text: 'Failed rules' }));
		if (rules.length) {
			out.push(h('table', {}, [h('thead', {}, h('tr', {}, [h('th', { scope: 'col', text: 'Rule' }), h('th', { scope: 'col', text: 'Spec section' })])),
				h('tbody', {}, rules.map((r) => h('tr', { cls: 'rule' }, [h('td', {}, h('code', { text: r })), h('td', { text: secs.get(r) || '\u2014' })])))]));
		} else {
			out.push(h('p', { cls: 'muted', text: 'none' }));
		}
		const warns = strs(c.warnings);
		if (warns.length) out.push(hn(lv, { text: 'Warnings' }), ruleList(warns, secs));
		const pr = strs(c.platformRules);
		out.push(hn(lv, { text: 'Platform rules that changed or refused something' }),
			pr.length ? h('ul', { cls: 'plain' }, pr.map((r) => h('li', {}, h('code', { text: r })))) : h('p', { cls: 'muted', text: 'none' }));
		const cers = arr(c.ceremonies).filter(isObj);
		cers.forEach((cer, k) => out.push(ceremonyNodes(c, cer, k, lv, secs)));
		if (!cers.length) out.push(h('p', { cls: 'muted', text: 'No ceremony views recorded for this cell.' }));
		return out;
	}

	/* ---- the dialog that shows one cell ---- */
	const dlgTitle = h('h2', { id: 'detail-h' });
	const closeBtn = h('button', { type: 'button', cls: 'closebtn', text: 'Close' });
	const dlgBody = h('div', { cls: 'dbody' });
	const dlg = h('dialog', { id: 'detail', 'aria-labelledby': 'detail-h' }, [h('div', { cls: 'dhead' }, [dlgTitle, closeBtn]), dlgBody]);
	let opener = null;
	closeBtn.addEventListener('click', () => dlg.close());
	dlg.addEventListener('close', () => { if (opener && opener.isConnected) opener.focus(); opener = null; });
	function openCell(i, from) {
		const c = cells[i];
		if (!c) return;
		dlgTitle.textContent = str(c.id) || '(a cell without id)';
		dlgBody.replaceChildren(...detail(c, 3));
		dlg.dataset.cell = str(c.id);
		opener = from;
		if (!dlg.open) dlg.showModal();
		dlgBody.scrollTop = 0;
	}
	d.addEventListener('click', (ev) => {
		const b = ev.target instanceof Element ? ev.target.closest('button[data-i]') : null;
		if (b) openCell(Number(b.dataset.i), b);
	});
	function cellLink(i, label) {
		return h('button', { type: 'button', cls: 'linkbtn', 'data-i': i, text: label });
	}

	/* ---- the page ---- */
	const main = d.getElementById('app') || d.body;
	const notices = h('div', { id: 'problems' });
	const summary = obj(report.summary);
	/* What a cell means (the report's assessment, or the same rule applied here when it has none). */
	function assess(c) {
		if (typeof c.assessment === 'string') return c.assessment;
		if (c.expected === null || c.expected === undefined) return str(c.outcome) === 'pass' ? 'combination-works' : 'combination-fails';
		if (c.ok !== true) return 'unexpected';
		return str(c.expected) === 'pass' ? 'accepted-as-intended' : 'rejected-as-intended';
	}
	function counted() {
		const n = { cells: cells.length, pass: 0, fail: 0, refused: 0, unexpected: 0, rejectedAsIntended: 0, acceptedAsIntended: 0,
			matrix: { cells: 0, pass: 0, fail: 0, refused: 0 } };
		for (const c of cells) {
			const o = str(c.outcome), a = assess(c);
			if (o === 'pass' || o === 'fail' || o === 'refused') n[o]++;
			if (c.kind === 'matrix') { n.matrix.cells++; if (o in n.matrix) n.matrix[o]++; }
			if (a === 'unexpected') n.unexpected++;
			else if (a === 'rejected-as-intended') n.rejectedAsIntended++;
			else if (a === 'accepted-as-intended') n.acceptedAsIntended++;
		}
		return n;
	}
	const counts = counted();
	const num = (k) => (typeof summary[k] === 'number' ? summary[k] : counts[k]);
	const mnum = (k) => (isObj(summary.matrix) && typeof summary.matrix[k] === 'number' ? summary.matrix[k] : counts.matrix[k]);

	function drawHeader() {
		const run = obj(report.run);
		const bits = [];
		if (report.fidosim !== undefined) bits.push('fidosim ' + str(report.fidosim));
		if (run.seed !== undefined) bits.push('seed ' + str(run.seed));
		if (run.shard !== undefined) bits.push('shard ' + str(run.shard));
		/* The headline: the number that matters first, apart from what was rejected on purpose. */
		const deliberate = num('unexpected') + num('rejectedAsIntended') + num('acceptedAsIntended') > 0;
		const head = h('div', { id: 'headline' });
		if (deliberate) {
			const u = num('unexpected');
			add(head, h('p', { cls: 'big ' + (u ? 'bad' : 'good') }, [h('strong', { id: 'n-unexpected', text: plural(u, 'unexpected cell', 'unexpected cells') }),
				u ? ': deliberate cells whose verdict is not the one they should get (fidosim or a preset model is wrong)'
					: ': every deliberate cell got the verdict it should']));
			add(head, h('p', {}, [h('strong', { id: 'n-rejected', text: num('rejectedAsIntended') + ' rejected as intended' }),
				' (quirks, mutations, vectors and scenarios broken on purpose, refused by the rule they break) \u00b7 ',
				h('strong', { text: num('acceptedAsIntended') + ' accepted as intended' })]));
		}
		if (mnum('cells') > 0) {
			add(head, h('p', {}, [h('strong', { id: 'n-combinations', text: plural(mnum('cells'), 'combination', 'combinations') }),
				' (preset \u00d7 platform \u00d7 policy): ' + mnum('pass') + ' work, ' + mnum('fail') + ' fail, ' + mnum('refused') +
				' refused \u2014 findings about the combinations, not errors']));
		}
		const p = h('p', { id: 'meta', cls: 'muted' }, bits.join(' \u00b7 '));
		add(p, [h('br'), plural(num('cells'), 'cell', 'cells') + ': ', badge('pass'), ' ' + num('pass') + ' ', badge('fail'), ' ' + num('fail') + ' ',
			badge('refused'), ' ' + num('refused') + ' \u00b7 ' + num('unexpected') + ' unexpected']);
		add(main, [head, p, notices]);
		d.title = 'fidosim report: ' + num('unexpected') + ' unexpected, ' + mnum('fail') + ' failing and ' + mnum('refused') +
			' refused combinations of ' + num('cells') + ' cells';
	}

	/* ---- a run about one provider: what it emitted, what the RP received, per platform ---- */
	const FIELD_LABELS = [['aaguid', 'AAGUID'], ['providerName', 'webauthn.io name'], ['fmt', 'fmt'], ['be', 'BE'], ['bs', 'BS'], ['uv', 'UV']];
	function fieldVal(v) { return v === true ? '1' : v === false ? '0' : v === null || v === undefined ? '\u2014' : str(v); }
	function rowOf(cer, field) { return arr(obj(cer).rows).filter(isObj).find((r) => r.field === field) || {}; }
	function becauseText(r) {
		return arr(r.because).filter(isObj).map((b) => 'platform rule ' + str(b.rule) + (b.section ? ' [' + str(b.section) + ']' : '')).join(', ');
	}
	function drawProvider() {
		const pv = report.provider;
		if (!isObj(pv)) return;
		const pfs = arr(pv.platforms).filter(isObj);
		const sec = h('section', { id: 'provider', 'aria-labelledby': 'provider-h' }, h('h2', { id: 'provider-h',
			text: 'Provider ' + str(pv.preset) + ': what it emitted, what the RP received, per platform' }));
		add(main, sec);
		if (!pfs.length) { add(sec, h('p', { cls: 'muted', text: 'No platform in this report.' })); return; }
		const head = h('tr', {}, [h('th', { scope: 'col', text: 'Platform' }), ...FIELD_LABELS.map(([, l]) => h('th', { scope: 'col', text: l })),
			h('th', { scope: 'col', text: 'RP verdicts' })]);
		const tb = h('tbody');
		const reg0 = obj(arr(pfs[0].ceremonies)[0]);
		add(tb, h('tr', { cls: 'emitted' }, [h('th', { scope: 'row', text: '(provider emitted)' }),
			...FIELD_LABELS.map(([f]) => h('td', { cls: f === 'aaguid' ? 'mono' : null, text: fieldVal(rowOf(reg0, f).emitted) })), h('td', { text: '' })]));
		const notes = [];
		for (const p of pfs) {
			const reg = obj(arr(p.ceremonies)[0]), rf = obj(reg.refusal);
			const tds = FIELD_LABELS.map(([f, l]) => {
				const r = rowOf(reg, f);
				if (r.changed === true) notes.push([str(p.platform), l, fieldVal(r.emitted), fieldVal(r.received), becauseText(r)]);
				return h('td', { cls: (f === 'aaguid' ? 'mono ' : '') + (r.changed === true ? 'changed' : ''), 'data-field': f },
					[fieldVal(r.received), r.changed === true ? h('span', { cls: 'chg', text: ' (changed)' }) : null]);
			});
			const verdict = isObj(reg.refusal) ? h('td', {}, [badge('refused'), ' ' + (rf.rule ? 'platform rule ' + str(rf.rule) : str(rf.name))])
				: h('td', {}, [str(p.verified) + '/' + str(p.policies) + ' verified']);
			add(tb, h('tr', { 'data-platform': str(p.platform) }, [h('th', { scope: 'row' }, h('code', { text: str(p.platform) })), ...tds, verdict]));
		}
		add(sec, h('div', { cls: 'scroll' }, h('table', { id: 'provider-table' }, [h('caption', { text: 'What the RP received through each platform (changed values marked)' }),
			h('thead', {}, head), tb])));
		/* Each change, refusal or failure once, with every platform where it happened. */
		const groups = new Map();
		const note = (key, pf, kids) => { if (!groups.has(key)) groups.set(key, { pfs: [], kids }); groups.get(key).pfs.push(pf); };
		for (const [pf, l, a, b, by] of notes) note('c' + JSON.stringify([l, a, b, by]), pf, [l + ' ' + a + ' \u2192 ' + b + ', by ' + (by || 'no platform rule recorded it')]);
		for (const p of pfs) {
			let refused = false;
			for (const cer of arr(p.ceremonies).filter(isObj)) {
				if (!isObj(cer.refusal)) continue;
				const rf = cer.refusal;
				refused = true;
				note('r' + JSON.stringify([cer.ceremony, rf]), str(p.platform), [str(cer.ceremony) + ' refused (' + str(rf.name) + ')' +
					(rf.rule ? ' by platform rule ' + str(rf.rule) + (rf.section ? ' [' + str(rf.section) + ']' : '') : '') + ': ' + str(rf.message)]);
			}
			if (refused) continue;
			for (const v of arr(p.verdicts).filter(isObj)) {
				if (str(v.outcome) === 'pass') continue;
				const secs = arr(v.sections), rules = strs(v.rules);
				const w = str(v.why), pre = rules.length ? rules[0] + ': ' : '';
				note('v' + JSON.stringify([v.policy, rules, w]), str(p.platform), ['under ', h('code', { text: str(v.policy) }), ': ' + str(v.outcome) + ' by RP rule ',
					...rules.map((r, k) => [k ? ', ' : '', h('code', { text: r }), secs[k] ? ' (\u00a7 ' + str(secs[k]) + ')' : '']).flat(),
					': ' + (pre && w.startsWith(pre) ? w.slice(pre.length) : w)]);
			}
		}
		const why = h('ul', { id: 'provider-why', cls: 'plain' });
		for (const [, g] of groups) add(why, h('li', {}, [...g.pfs.map((pf, k) => [k ? ', ' : '', h('code', { text: pf })]).flat(), ': ', ...g.kids]));
		if (why.childNodes.length) add(sec, [h('h3', { text: 'What changed or failed, and the rule behind it' }), why]);
		else add(sec, h('p', { text: 'Everything arrived as emitted and every RP policy preset verified it, through every platform.' }));
	}

	function legend() {
		return h('ul', { cls: 'legend', 'aria-label': 'Legend' }, [
			h('li', {}, [badge('pass'), ' every ceremony verified']),
			h('li', {}, [badge('fail'), ' the RP refused (rule IDs shown)']),
			h('li', {}, [badge('refused'), ' the platform or the authenticator refused before the RP saw anything']),
			h('li', {}, [h('span', { cls: 'badge o-intended', text: '\u2713 rejected as intended' }), ' (tables below) a deliberately broken cell refused by the rule it breaks']),
			h('li', {}, [h('span', { cls: 'badge o-none', text: '\u2014' }), ' not run'])]);
	}

	function mapCell(pr, pf, po) {
		const i = at(pr, pf, po);
		if (i === undefined) return h('td', { cls: 'hm-cell' }, h('span', { cls: 'cellnone o-none', text: '\u2014 not run' }));
		const c = cells[i], o = outcomeOf(c.outcome);
		let sub = '';
		if (o.name === 'fail') { const r = strs(c.rules); sub = r.slice(0, 2).join(', ') + (r.length > 2 ? ', \u2026' : ''); }
		else if (o.name === 'refused') sub = refusingRule(c);
		else if (o.name === 'pass') { const w = strs(c.warnings).length; sub = w ? plural(w, 'warning', 'warnings') : ''; }
		const label = pr + ' on ' + pf + ' under ' + po + ': ' + o.name + (sub ? ' (' + sub + ')' : '') + '; show details';
		return h('td', { cls: 'hm-cell', 'data-outcome': o.name }, h('button', { type: 'button', cls: 'cellbtn ' + o.cls, 'data-i': i,
			'data-id': str(c.id), 'aria-label': label }, [h('span', { cls: 'sym', 'aria-hidden': 'true', text: o.sym }), o.name,
			sub ? h('span', { cls: 'sub', text: sub }) : null]));
	}

	function drawMaps() {
		const sec = h('section', { id: 'maps', 'aria-labelledby': 'maps-h' }, [
			h('h2', { id: 'maps-h', text: 'Heat map: authenticator presets \u00d7 platforms, one per RP policy' }), legend()]);
		add(main, sec);
		if (!policies.length || !presets.length || !platforms.length) {
			add(sec, h('p', { cls: 'muted', text: 'No matrix cells in this report.' }));
			return;
		}
		const tabs = h('div', { role: 'tablist', 'aria-label': 'RP policy preset' });
		add(sec, [h('p', { cls: 'muted no-print', text: 'Choose an RP policy; select a cell (click, or Enter) to see the three views.' }), tabs]);
		policies.forEach((po, pi) => {
			let f = 0, r = 0;
			for (const pr of presets) for (const pf of platforms) {
				const i = at(pr, pf, po), o = i === undefined ? '' : str(cells[i].outcome);
				if (o === 'fail') f++; else if (o === 'refused') r++;
			}
			const tab = h('button', { type: 'button', role: 'tab', id: 'tab-' + pi, 'aria-controls': 'map-' + pi,
				'aria-selected': pi === 0 ? 'true' : 'false', tabindex: pi === 0 ? '0' : '-1', 'data-policy': po },
			[po, h('span', { cls: 'counts', text: '\u2717 ' + f + ' \u2298 ' + r })]);
			add(tabs, tab);
			const head = h('tr', {}, h('th', { scope: 'col', text: 'preset \u2193 platform \u2192' }));
			platforms.forEach((pf) => add(head, h('th', { scope: 'col' }, h('code', { text: pf || '(none)' }))));
			const body = h('tbody');
			for (const pr of presets) {
				const row = h('tr', {}, h('th', { scope: 'row' }, h('code', { text: pr || '(none)' })));
				for (const pf of platforms) add(row, mapCell(pr, pf, po));
				add(body, row);
			}
			add(sec, h('div', { role: 'tabpanel', id: 'map-' + pi, 'aria-labelledby': 'tab-' + pi, cls: 'map', 'data-policy': po, hidden: pi !== 0 }, [
				h('div', { cls: 'scroll' }, h('table', { cls: 'heat' }, [
					h('caption', { text: 'RP policy ' + po + ': ' + presets.length + ' presets \u00d7 ' + platforms.length + ' platforms' }),
					h('thead', {}, head), body]))]));
		});
		const all = () => [...tabs.querySelectorAll('[role="tab"]')];
		function select(tab) {
			for (const t of all()) {
				const on = t === tab;
				t.setAttribute('aria-selected', on ? 'true' : 'false');
				t.tabIndex = on ? 0 : -1;
				const panel = d.getElementById(t.getAttribute('aria-controls'));
				if (panel) panel.hidden = !on;
			}
		}
		tabs.addEventListener('click', (ev) => {
			const t = ev.target instanceof Element ? ev.target.closest('[role="tab"]') : null;
			if (t) select(t);
		});
		tabs.addEventListener('keydown', (ev) => {
			const ts = all(), k = ts.indexOf(d.activeElement);
			if (k < 0) return;
			const to = { ArrowRight: k + 1, ArrowLeft: k - 1, Home: 0, End: ts.length - 1 }[ev.key];
			if (to === undefined) return;
			ev.preventDefault();
			const t = ts[(to + ts.length) % ts.length];
			select(t);
			t.focus();
		});
	}

	const KIND_TITLES = new Map([['quirk', 'Quirk cells'], ['mutation', 'Mutation cells'], ['vector', 'Vector cells'], ['scenario', 'Scenario cells']]);
	const ASSESS = new Map([['unexpected', { label: 'unexpected', cls: 'o-fail', sym: '\u2717' }],
		['rejected-as-intended', { label: 'rejected as intended', cls: 'o-intended', sym: '\u2713' }],
		['accepted-as-intended', { label: 'accepted as intended', cls: 'o-pass', sym: '\u2713' }]]);
	function assessBadge(c) {
		const a = ASSESS.get(assess(c)) || { label: assess(c), cls: 'o-unknown', sym: '?' };
		return h('span', { cls: 'badge ' + a.cls }, [h('span', { cls: 'sym', 'aria-hidden': 'true', text: a.sym }), a.label]);
	}
	function kindTable(idx, k) {
		const tb = h('tbody');
		for (const i of idx) {
			const c = cells[i], o = outcomeOf(c.outcome);
			add(tb, h('tr', { 'data-ok': c.ok === true ? '1' : '0', 'data-kind': k, 'data-assessment': assess(c) }, [
				h('td', {}, cellLink(i, str(c.id) || '(no id)')),
				h('td', {}, assessBadge(c)),
				h('td', { text: c.expected === null || c.expected === undefined ? '\u2014' : str(c.expected) }),
				h('td', {}, h('span', { cls: 'plainout' }, [h('span', { cls: 'sym', 'aria-hidden': 'true', text: o.sym }), o.name])),
				h('td', {}, strs(c.rules).map((r, n) => [n ? ', ' : '', h('code', { text: r })]).flat()),
				h('td', { cls: 'why', text: str(c.why) })]));
		}
		return h('div', { cls: 'scroll' }, h('table', { cls: 'cells' }, [
			h('thead', {}, h('tr', {}, ['Cell', 'Assessment', 'Expected', 'Outcome', 'Failed rules', 'Why'].map((t) => h('th', { scope: 'col', text: t })))),
			tb]));
	}
	/* Rows drawn only when their fold is first opened: a long list costs nothing until it is read. */
	function fold(label, idx, k) {
		const det = h('details', { cls: 'fold', 'data-assessment': label }, h('summary', { text: plural(idx.length, 'cell', 'cells') + ' ' + label }));
		det.addEventListener('toggle', () => { if (det.open && det.childNodes.length === 1) add(det, kindTable(idx, k)); });
		return det;
	}
	function drawKinds() {
		const byKind = new Map();
		cells.forEach((c, i) => {
			if (c.kind === 'matrix') return;
			const k = str(c.kind) || '(no kind)';
			if (!byKind.has(k)) byKind.set(k, []);
			byKind.get(k).push(i);
		});
		if (!byKind.size) return;
		const sec = h('section', { id: 'kinds', 'aria-labelledby': 'kinds-h' }, h('h2', { id: 'kinds-h', text: 'Quirk, mutation, vector and scenario cells' }));
		add(sec, h('p', { cls: 'muted', text: 'Deliberate cells: each should get a known verdict. Those that did are folded; open a fold to list them.' }));
		for (const [k, idx] of byKind) {
			const by = (a) => idx.filter((i) => assess(cells[i]) === a);
			const bad = by('unexpected'), rej = by('rejected-as-intended'), acc = by('accepted-as-intended');
			const other = idx.filter((i) => !bad.includes(i) && !rej.includes(i) && !acc.includes(i));
			add(sec, h('h3', { text: (KIND_TITLES.get(k) || 'Cells of kind \u201c' + k + '\u201d') + ': ' + idx.length + ' \u2014 ' + bad.length + ' unexpected, ' +
				rej.length + ' rejected as intended, ' + acc.length + ' accepted as intended' }));
			if (bad.length) add(sec, kindTable(bad, k));
			if (rej.length) add(sec, fold('rejected as intended', rej, k));
			if (acc.length) add(sec, fold('accepted as intended', acc, k));
			if (other.length) add(sec, fold('without an expectation', other, k));
		}
		add(main, sec);
	}

	function cellRef(v) {
		if (v === null || v === undefined || v === '') return h('span', { cls: 'muted', text: 'none' });
		const i = byId.get(str(v));
		return i === undefined ? h('code', { text: str(v) }) : cellLink(i, str(v));
	}
	function drawCoverage() {
		const cov = obj(report.coverage), rules = obj(cov.rules);
		const ids = Object.keys(rules);
		const sec = h('section', { id: 'coverage', 'aria-labelledby': 'coverage-h' }, h('h2', { id: 'coverage-h', text: 'Rule coverage' }));
		add(main, sec);
		/* Coverage is measured by the cells that break rules on purpose; without them it means nothing. */
		if (cells.length && !cells.some((c) => c.kind === 'quirk' || c.kind === 'mutation')) {
			add(sec, h('p', { cls: 'muted', text: 'Not measured: this run has no quirk or mutation cells (a provider run judges one provider, not the rule catalog).' }));
			return;
		}
		if (!ids.length) { add(sec, h('p', { cls: 'muted', text: 'No coverage in this report.' })); return; }
		const sevOf = (id) => str(obj(rules[id]).severity);
		const errors = ids.filter((id) => sevOf(id) === 'error');
		const uncovered = Array.isArray(cov.errorRulesUncovered) ? strs(cov.errorRulesUncovered)
			: errors.filter((id) => !obj(rules[id]).failingCell || !obj(rules[id]).passingCell);
		add(sec, h('p', { text: plural(ids.length, 'catalog rule', 'catalog rules') + ', ' + errors.length + ' of severity error: ' +
			(errors.length - uncovered.length) + ' covered by a failing and a passing cell, ' + uncovered.length + ' not.' }));
		const row = (id) => h('tr', {}, [h('td', {}, h('code', { text: id })), h('td', { text: sevOf(id) || '\u2014' }),
			h('td', {}, cellRef(obj(rules[id]).failingCell)), h('td', {}, cellRef(obj(rules[id]).passingCell))]);
		const thead = () => h('thead', {}, h('tr', {}, ['Rule', 'Severity', 'Failing cell', 'Passing cell'].map((t) => h('th', { scope: 'col', text: t }))));
		if (uncovered.length) {
			/* Grouped by what is missing: a short list of IDs reads better than a long table. */
			const groups = [['No failing cell and no passing cell', []], ['No failing cell', []], ['No passing cell', []], ['Both cells named', []]];
			for (const id of uncovered) {
				const r = obj(rules[id]), f = !!r.failingCell, p = !!r.passingCell;
				groups[f && p ? 3 : !f && !p ? 0 : !f ? 1 : 2][1].push(id);
			}
			const dl = h('dl', { id: 'uncovered', cls: 'kv rulelist' });
			for (const [label, ids2] of groups) {
				if (ids2.length) add(dl, [h('dt', { text: label + ' (' + ids2.length + ')' }), h('dd', {}, ids2.map((id) => h('code', { text: id })))]);
			}
			add(sec, [h('h3', { text: 'Error rules not covered by both a failing and a passing cell' }), dl]);
		}
		add(sec, h('details', { cls: 'no-print' }, [h('summary', { text: 'Every rule of the catalog (' + ids.length + ')' }),
			h('div', { cls: 'scroll' }, h('table', {}, [thead(), h('tbody', {}, ids.map(row))]))]));
	}

	function drawRun() {
		const run = obj(report.run);
		const sec = h('section', { id: 'run', 'aria-labelledby': 'run-h' }, h('h2', { id: 'run-h', text: 'Run summary' }));
		const own = Object.keys(summary).length === 0;
		const rows = [['Cells', 'cells'], [badge('pass'), 'pass'], [badge('fail'), 'fail'], [badge('refused'), 'refused'], ['Not as expected', 'unexpected'],
			['Rejected as intended', 'rejectedAsIntended'], ['Accepted as intended', 'acceptedAsIntended']];
		add(sec, h('table', { id: 'summary' }, [h('caption', { text: own ? 'Counts (counted by this page: the report has no summary)' : 'Counts' }),
			h('tbody', {}, rows.map(([label, k]) => h('tr', {}, [h('th', { scope: 'row' }, label), h('td', { text: num(k) })])))]));
		if (!own && typeof summary.cells === 'number' && summary.cells !== cells.length) {
			problems.push('summary.cells is ' + summary.cells + ' but the report holds ' + cells.length + ' cells');
		}
		const dl = h('dl', { cls: 'kv' });
		const kv = (k, v) => { if (v !== undefined) add(dl, [h('dt', { text: k }), h('dd', { text: str(v) })]); };
		kv('fidosim', report.fidosim);
		kv('Schema', report.schema);
		kv('Seed', run.seed);
		kv('Shard', run.shard);
		kv('Wall time', typeof run.seconds === 'number' ? (Math.round(run.seconds * 1000) / 1000) + ' s' : run.seconds);
		kv('Jobs', run.jobs);
		add(sec, dl);
		add(main, sec);
	}

	/* Printed, no interaction: the details of every failing heat-map cell and of every cell not as expected. */
	function drawPrintDetails() {
		const pick = [];
		cells.forEach((c, i) => {
			if (c.kind === 'matrix' ? str(c.outcome) !== 'pass' : c.ok !== true) pick.push(i);
		});
		if (!pick.length) return;
		const sec = h('section', { id: 'print-details', cls: 'print-only', 'aria-hidden': 'true' },
			h('h2', { text: 'Details: failing and refused heat-map cells, and cells not as expected (' + pick.length + ')' }));
		for (const i of pick) add(sec, h('div', { cls: 'detail-print' }, [h('h3', {}, h('code', { text: str(cells[i].id) || '(no id)' })), ...detail(cells[i], 4)]));
		add(main, sec);
	}

	function guarded(name, fn) {
		try {
			fn();
		} catch (e) {
			problems.push('could not draw the ' + name + ': ' + (e && e.message ? e.message : str(e)));
			console.error(e);
		}
	}
	guarded('header', drawHeader);
	guarded('provider', drawProvider);
	guarded('heat maps', drawMaps);
	guarded('cell tables', drawKinds);
	guarded('coverage', drawCoverage);
	guarded('run summary', drawRun);
	guarded('printed details', drawPrintDetails);
	d.body.appendChild(dlg);
	if (problems.length) {
		const shown = problems.slice(0, 12);
		if (problems.length > shown.length) shown.push('and ' + (problems.length - shown.length) + ' more');
		add(notices, h('div', { cls: 'notice', role: 'status' }, [h('strong', { text: 'This report is not quite as expected: ' }),
			h('ul', { cls: 'plain' }, shown.map((p) => h('li', { text: p })))]));
	}
	main.setAttribute('aria-busy', 'false');
	d.documentElement.dataset.renderMs = String(Math.round(performance.now() - t0));
	d.documentElement.dataset.ready = '1';
})();
