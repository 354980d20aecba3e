// Drives the real iln server in Debian's headless Chromium the way a person would: sign up,
// confirm the address from the emailed link, sign in, sign out; then each demo role signs in
// and visits the pages it may see. Every page it visits is checked
// with axe-core, and any serious or critical accessibility violation fails the run, as does
// any console error (a Content-Security-Policy violation shows up there).
//
// Environment: ILN_BASE_URL (the running server), ILN_MAIL_DIR (the file transport's folder),
// CHROMIUM (defaults to /usr/bin/chromium). Exits non-zero with a reason on the first failure.
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const base = process.env.ILN_BASE_URL;
const mailDir = process.env.ILN_MAIL_DIR;
if (!base || !mailDir) {
  console.error('ILN_BASE_URL and ILN_MAIL_DIR must be set');
  process.exit(2);
}

const problems = [];
// The demo network's documented accounts (crates/iln-domain/src/demo.rs); the server runs with --demo.
const demoAccounts = [
  { role: 'admin', email: 'admin@example.org', password: 'iln-demo-admin-2013', viewport: { width: 1280, height: 900 },
    pages: ['/dashboard', '/desk', '/people', '/admin/users', '/admin/jobs', '/admin/jobs?status=done', '/admin/audit', '/reports', '/reports/map', '/reports/fairness'] },
  { role: 'country coordinator', email: 'coordinator@example.org', password: 'iln-demo-coordinator-2013', viewport: { width: 390, height: 844 },
    pages: ['/dashboard', '/desk', '/people', '/reports', '/reports/map', '/reports/fairness'] },
  { role: 'participant', email: 'participant@example.org', password: 'iln-demo-participant-2013', viewport: { width: 390, height: 844 },
    pages: ['/dashboard', '/account/calendar'] },
];
const checked = [];
// Pages first checked at one width, checked again at the other by the admin at the end.
const otherWidth = [];

async function signIn(p, who, secret) {
  await p.goto(base + '/signin');
  await p.getByLabel(/email/i).fill(who);
  await p.getByLabel(/^password/i).fill(secret);
  await p.getByRole('button', { name: /sign in/i }).click();
  await p.waitForLoadState();
  if (!(await p.getByRole('button', { name: /sign out/i }).count())) throw new Error(`${who} could not sign in: at ${p.url()}`);
}

async function checkAccessibility(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // The runner is loaded into the page above; only violations that matter are reported.
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  // A page wider than the window makes a phone reader scroll sideways to read every line.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) problems.push(`${label} is ${overflow}px wider than the window (${page.viewportSize().width}px wide)`);
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  checked.push(`${label} (${page.url()}): ${result.length} violations, ${bad.length} serious or critical`);
  for (const v of bad) problems.push(`axe ${v.impact} on ${label}: ${v.id}: ${v.help} at ${v.nodes.join(', ')}`);
}

// lettre's file transport writes one .eml per message; bodies may be quoted-printable.
function findLink(to, pathPart, after) {
  const files = readdirSync(mailDir).filter((f) => f.endsWith('.eml'))
    .map((f) => join(mailDir, f))
    .filter((f) => statSync(f).mtimeMs >= after)
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  for (const file of files.reverse()) {
    const raw = readFileSync(file, 'utf8');
    if (to && !raw.toLowerCase().includes(to.toLowerCase())) continue;
    const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    const m = text.match(new RegExp(`https?://[^\\s"<>]*${pathPart}[^\\s"<>]*`));
    if (m) return m[0];
  }
  return null;
}

async function waitForLink(to, pathPart, after) {
  for (let i = 0; i < 100; i++) {
    const link = findLink(to, pathPart, after);
    if (link) return link;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${to || 'anyone'} with a ${pathPart} link arrived in ${mailDir}`);
}

// Playwright gives every launch a fresh, empty profile of its own, as these machines need.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${page.url()}: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error on ${page.url()}: ${err.message}`));

  const email = `browser.${Date.now()}@example.org`;
  const password = 'correct horse battery staple 42';

  await page.goto(base + '/');
  await checkAccessibility(page, 'home');
  for (const [path, label] of [['/code-of-conduct', 'code of conduct'], ['/privacy', 'privacy notice']]) {
    await page.goto(base + path);
    await checkAccessibility(page, label);
  }

  const started = Date.now() - 1000;
  await page.goto(base + '/signup');
  await checkAccessibility(page, 'sign up');
  // A first attempt with a short password must be refused next to the field, keeping the email.
  await page.getByLabel(/name/i).first().fill('Ada Okafor');
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/^password/i).fill('short');
  await page.getByRole('button', { name: /sign up|create/i }).click();
  await page.waitForLoadState();
  if ((await page.getByLabel(/email/i).inputValue()) !== email) problems.push('sign-up error page lost the email typed');
  await checkAccessibility(page, 'sign up with an error');
  await page.getByLabel(/^password/i).fill(password);
  await page.getByRole('button', { name: /sign up|create/i }).click();
  await page.waitForLoadState();
  await checkAccessibility(page, 'after sign up');

  const verify = await waitForLink(email, 'verif', started);
  await page.goto(verify);
  await checkAccessibility(page, 'verification link');
  // Confirming may itself be a button (no GET changes state).
  const confirm = page.getByRole('button', { name: /confirm|verify/i });
  if (await confirm.count()) { await confirm.first().click(); await page.waitForLoadState(); }

  await page.goto(base + '/signin');
  await checkAccessibility(page, 'sign in');
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/^password/i).fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForLoadState();
  if (!(await page.getByRole('button', { name: /sign out/i }).count())) problems.push(`not signed in after sign-in: at ${page.url()}`);
  await checkAccessibility(page, 'dashboard');

  await page.getByRole('button', { name: /sign out/i }).first().click();
  await page.waitForLoadState();
  if (await page.getByRole('button', { name: /sign out/i }).count()) problems.push('still signed in after sign-out');
  await page.goto(base + '/dashboard');
  if (await page.getByRole('button', { name: /sign out/i }).count()) problems.push('dashboard still open after sign-out');
  await checkAccessibility(page, 'after sign out');

  // Each demo role signs in and walks the pages it can see; axe checks every one of them.
  for (const who of demoAccounts) {
    const ctx = await browser.newContext({ viewport: who.viewport });
    const p = await ctx.newPage();
    p.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${p.url()}: ${msg.text()}`); });
    await signIn(p, who.email, who.password);
    for (const path of who.pages) {
      const answer = await p.goto(base + path);
      if (!answer || answer.status() !== 200) problems.push(`${who.role}: ${path} answered ${answer && answer.status()}`);
      await checkAccessibility(p, `${who.role} ${path}`);
      // The report pages: the map draws the countries and the fairness report lists them;
      // the admin sees them again at phone width at the end.
      if (path === '/reports/map' && (await p.locator('main svg path').count()) < 150) problems.push(`${who.role}: the world map draws too few countries`);
      if (path === '/reports/fairness' && (await p.locator('table.fairness tbody tr').count()) < 1) problems.push(`${who.role}: the fairness report lists no country`);
      if (who.role === 'admin' && path.startsWith('/reports')) otherWidth.push(base + path);
    }
    // The first person in the list opens, for the roles that have a list.
    if (who.pages.includes('/people')) {
      await p.goto(base + '/people');
      const first = p.locator('main a[href^="/people/"]').first();
      if (await first.count()) {
        await first.click();
        await p.waitForLoadState();
        await checkAccessibility(p, `${who.role} person page`);
      } else problems.push(`${who.role}: /people lists nobody`);
    }
    await ctx.close();
  }

  // Discussion topics as a participant reads them, at phone and at desktop width: the newest
  // topic from the dashboard, the round's archive, and My partnership.
  for (const viewport of [demoAccounts[2].viewport, { width: 1280, height: 900 }]) {
    const who = demoAccounts[2];
    const ctx = await browser.newContext({ viewport });
    const p = await ctx.newPage();
    p.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${p.url()}: ${msg.text()}`); });
    await signIn(p, who.email, who.password);
    await p.goto(base + '/dashboard');
    const topic = p.locator('main a[href^="/topics/"]').first();
    if (!(await topic.count())) problems.push('the participant dashboard lists no discussion topic');
    else {
      await topic.click();
      await p.waitForLoadState();
      await checkAccessibility(p, `participant topic page (${viewport.width}px)`);
      await p.locator('main a[href$="/topics"]').first().click();
      await p.waitForLoadState();
      await checkAccessibility(p, `participant topic archive (${viewport.width}px)`);
      if ((await p.locator('main a[href^="/topics/"]').count()) < 4) problems.push('the topic archive lists fewer than four released topics');
      if (viewport.width > 1000) {
        // Post in the first topic's thread, mark it discussed, and share a link on the board.
        await p.locator('main a[href^="/topics/"]').first().click();
        await p.waitForLoadState();
        await p.getByLabel(/add to the discussion/i).fill('Our library is in an old railway station: https://example.org/station');
        await p.getByRole('button', { name: /^post$/i }).click();
        await p.waitForLoadState();
        if (!(await p.getByText(/old railway station/).count())) problems.push('the post is not in the thread');
        await checkAccessibility(p, 'topic thread after posting');
        const mark = p.getByRole('button', { name: /we discussed this together/i });
        if (await mark.count()) { await mark.click(); await p.waitForLoadState(); }
        if (!(await p.getByText(/marked this topic as discussed/i).count())) problems.push('marking the topic discussed did not say so');
        await p.locator('main a[href$="/topics"]').first().click();
        await p.waitForLoadState();
        await p.getByRole('link', { name: /resources board/i }).click();
        await p.waitForLoadState();
        await checkAccessibility(p, 'resources board');
        otherWidth.push(p.url());
        await p.getByLabel(/^address/i).fill('https://doaj.org/');
        await p.getByLabel(/worth a look/i).fill('The Directory of Open Access Journals.');
        await p.getByRole('button', { name: /^share$/i }).click();
        await p.waitForLoadState();
        if (!(await p.getByText(/your link is on the board/i).count())) problems.push('sharing a link did not say so');
        // Log a contact from My partnership: the day is today already, pick how, send.
        await p.goto(base + '/partnership');
        await p.getByLabel(/video call/i).first().check();
        await p.getByRole('button', { name: /log the contact/i }).first().click();
        await p.waitForLoadState();
        if (!(await p.getByText(/the contact is in your partnership/i).count())) problems.push('logging a contact did not say so');
        await checkAccessibility(p, 'My partnership after logging a contact');
      }
    }
    await p.goto(base + '/partnership');
    await checkAccessibility(p, `participant My partnership (${viewport.width}px)`);
    // The alumni network: the directory with a search, suggestions, the network, the entry.
    for (const path of ['/alumni', '/alumni?sector=academic', '/alumni/suggestions', '/network', '/alumni/join']) {
      const answer = await p.goto(base + path);
      if (!answer || answer.status() !== 200) problems.push(`participant: ${path} answered ${answer && answer.status()}`);
      await checkAccessibility(p, `participant ${path} (${viewport.width}px)`);
    }
    if (!(await p.goto(base + '/alumni/suggestions')) || !(await p.getByText(/why:/i).count())) problems.push('the suggestions page suggests nobody');
    // Leave the directory and opt in again; then search it with its form.
    await p.goto(base + '/alumni/join');
    await p.getByRole('button', { name: /leave the directory/i }).click();
    await p.waitForLoadState();
    if (!(await p.getByText(/you have left the directory/i).count())) problems.push('leaving the directory did not say so');
    await checkAccessibility(p, `left the directory (${viewport.width}px)`);
    await p.goto(base + '/alumni/join');
    await p.getByLabel(/a few words about you/i).fill('Public librarian; happy to talk about reading groups.');
    await p.getByRole('button', { name: /save my entry|join the directory/i }).click();
    await p.waitForLoadState();
    if (!(await p.getByText(/you are in the directory/i).count())) problems.push('saving the directory entry did not say so');
    await p.goto(base + '/alumni');
    await p.getByLabel(/^sector/i).selectOption('academic');
    await p.getByRole('button', { name: /^search$/i }).click();
    await p.waitForLoadState();
    if (!/sector=academic/.test(p.url()) || !(await p.locator('main li.card').count())) problems.push(`searching the directory by sector found nobody: at ${p.url()}`);
    // Write to someone through the platform from the directory.
    await p.goto(base + '/alumni');
    const writeTo = p.locator('main a[href$="/write"]').first();
    if (!(await writeTo.count())) problems.push('the directory offers nobody to write to');
    else {
      await writeTo.click();
      await p.waitForLoadState();
      await checkAccessibility(p, `write through the directory (${viewport.width}px)`);
      await p.getByLabel(/your message/i).fill('Hello! I saw we both work on open access. Shall we talk?');
      await p.getByRole('button', { name: /send the message/i }).click();
      await p.waitForLoadState();
      if (!(await p.getByText(/your message is on its way/i).count())) problems.push('writing through the directory did not say so');
      await checkAccessibility(p, `your messages (${viewport.width}px)`);
      await p.locator('main a[href^="/messages/"]').first().click();
      await p.waitForLoadState();
      await checkAccessibility(p, `a message (${viewport.width}px)`);
    }
    // The certificate of the closed past round, from the dashboard; its PDF downloads.
    await p.goto(base + '/dashboard');
    const certificate = p.locator('main a[href$="/certificate"]').first();
    if (!(await certificate.count())) problems.push('the participant dashboard offers no certificate');
    else {
      await certificate.click();
      await p.waitForLoadState();
      await checkAccessibility(p, `certificate of participation (${viewport.width}px)`);
      const pdfHref = await p.locator('main a[href$="/certificate.pdf"]').getAttribute('href');
      const pdf = await p.request.get(base + pdfHref);
      const head = (await pdf.body()).subarray(0, 5).toString();
      if (pdf.status() !== 200 || head !== '%PDF-') problems.push(`the certificate PDF answered ${pdf.status()} starting ${head}`);
    }
    await ctx.close();
  }

  // A round from both sides: the admin creates and opens a round, the person who signed up
  // above applies to it, and the admin publishes the demo round that is waiting in review.
  const admin = demoAccounts[0];
  const adminCtx = await browser.newContext({ viewport: admin.viewport });
  adminCtx.setDefaultTimeout(10000);
  const ap = await adminCtx.newPage();
  ap.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${ap.url()}: ${msg.text()}`); });
  await signIn(ap, admin.email, admin.password);
  await ap.goto(base + '/rounds/new');
  await checkAccessibility(ap, 'create a round');
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  await ap.getByLabel(/^name/i).fill('Browser round');
  await ap.getByLabel(/applications open/i).fill(day(0));
  await ap.getByLabel(/applications close/i).fill(day(14));
  await ap.getByLabel(/matching date/i).fill(day(21));
  await ap.getByLabel(/partnerships start/i).fill(day(28));
  await ap.getByLabel(/program languages/i).fill('en');
  await ap.getByLabel(/country cap/i).fill('20');
  await ap.getByRole('button', { name: /create the round/i }).click();
  await ap.waitForLoadState();
  const roundId = (ap.url().match(/\/rounds\/(\d+)/) || [])[1];
  if (!roundId) throw new Error(`creating a round did not lead to its page: at ${ap.url()}`);
  await checkAccessibility(ap, 'round page (draft)');
  // Applications open today, so the round may already be open by its dates; if not, open it.
  const openNow = ap.getByRole('button', { name: /open applications now/i });
  if (await openNow.count()) { await openNow.click(); await ap.waitForLoadState(); }
  await checkAccessibility(ap, 'round page (open)');

  await signIn(page, email, password);
  await page.goto(`${base}/rounds/${roundId}/apply`);
  await checkAccessibility(page, 'application form');
  await page.getByLabel(/your name/i).fill('Ada Okafor');
  await page.getByLabel(/^country/i).selectOption({ label: 'Nigeria' });
  await page.getByLabel(/^city/i).fill('Lagos');
  await page.getByLabel(/^institution/i).fill('University of Lagos Library');
  await page.getByLabel(/library sector/i).selectOption('academic');
  await page.getByLabel(/your role/i).fill('Systems librarian');
  await page.locator('input[name="career_stage"]').first().check();
  await page.locator('input[name="interests"]').nth(0).check();
  await page.locator('input[name="interests"]').nth(1).check();
  await page.getByLabel(/languages you can work in/i).fill('en');
  await page.locator('input[name="communication"]').first().check();
  await page.locator('input[name="match_preference"]').first().check();
  await page.getByLabel(/what would you like/i).fill('To learn how academic libraries elsewhere run research data services.');
  await page.locator('input[name="consent"]').check();
  await page.getByRole('button', { name: /send my application/i }).click();
  await page.waitForLoadState();
  const fieldErrors = await page.locator('main .error').allInnerTexts();
  if (fieldErrors.length) problems.push(`the application was refused: ${fieldErrors.join('; ')}`);
  await checkAccessibility(page, 'after applying');

  await ap.goto(`${base}/rounds/${roundId}/review`);
  await checkAccessibility(ap, 'review queue');
  if (!(await ap.getByText('Ada Okafor').count())) problems.push('the new application is not in the review queue');

  // The admin writes a topic for the active round: the form, its preview, the saved page.
  await ap.goto(base + '/rounds');
  await ap.getByRole('link', { name: /demo round \(active\)/i }).first().click();
  await ap.waitForLoadState();
  await ap.getByRole('link', { name: /discussion topics/i }).first().click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'admin topic archive');
  const archiveUrl = ap.url();
  otherWidth.push(archiveUrl, archiveUrl.replace(/\/topics$/, '/partnerships'));
  await ap.getByRole('link', { name: /write a topic/i }).click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'write a topic');
  otherWidth.push(ap.url());
  await ap.getByLabel(/^title/i).fill('Open access week');
  await ap.getByLabel(/^text/i).fill('## What did your library do?\n\nTell your partner about **one** event.');
  await ap.getByLabel(/release day/i).fill(day(3));
  await ap.getByLabel(/links to read/i).fill('Directory of Open Access Journals | https://doaj.org/');
  await ap.getByRole('button', { name: /^preview$/i }).click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'topic preview');
  if (!(await ap.getByText(/preview: the email/i).count())) problems.push('the topic preview shows no email');
  await ap.getByRole('button', { name: /save and schedule/i }).click();
  await ap.waitForLoadState();
  if (!/\/topics\/\d+/.test(ap.url())) problems.push(`saving a topic did not lead to its page: at ${ap.url()}`);
  await checkAccessibility(ap, 'a saved topic');
  otherWidth.push(ap.url());
  await ap.getByRole('link', { name: /release it now/i }).click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'release a topic now (confirmation)');
  // Released now, it is emailed to every participant of the round; each email carries a link
  // that turns topic emails off without signing in.
  const released = Date.now();
  await ap.getByRole('button', { name: /yes, release it now/i }).click();
  await ap.waitForLoadState();
  const unsubscribe = await waitForLink('', '/unsubscribe', released);
  // From the admin's desk, ask a quiet partnership now; its members get the check-in email.
  const asked = Date.now();
  await ap.goto(base + '/desk');
  await ap.getByRole('button', { name: /ask them now if they are in touch/i }).first().click();
  await ap.waitForLoadState();
  if (!(await ap.getByText(/the check-in question is on its way/i).count())) problems.push('asking a partnership now did not say so');
  await checkAccessibility(ap, 'desk after asking a partnership');
  const checkinLink = await waitForLink('', '/checkin', asked);
  // Someone opens the emailed links on a phone and at a desk, without signing in.
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    const vctx = await browser.newContext({ viewport });
    const vp = await vctx.newPage();
    vp.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${vp.url()}: ${msg.text()}`); });
    await vp.goto(checkinLink);
    await checkAccessibility(vp, `check-in question (${viewport.width}px)`);
    if (viewport.width < 1000) {
      if (!(await vp.getByRole('heading', { name: /have you heard from/i }).count())) problems.push('the check-in link does not ask the question');
      await vp.getByRole('button', { name: /yes, we are in touch/i }).click();
      await vp.waitForLoadState();
      if (!(await vp.getByText(/we have noted that you are in touch/i).count())) problems.push('answering the check-in did not say thank you');
      await checkAccessibility(vp, 'check-in answered');
    } else if (!(await vp.getByText(/you answered already/i).count())) problems.push('a used check-in link does not say it was answered');
    await vp.goto(unsubscribe);
    await checkAccessibility(vp, `topic emails switch (${viewport.width}px)`);
    const off = vp.getByRole('button', { name: /stop topic emails/i });
    const on = vp.getByRole('button', { name: /send me topic emails again/i });
    if (await off.count()) await off.click(); else await on.click();
    await vp.waitForLoadState();
    if (!(await vp.getByText(/^done:/i).count())) problems.push('switching topic emails did not say done');
    await vctx.close();
  }

  // Surveys: the admin opens the active round's mid-round survey now; a participant fills it
  // in from the emailed link on a phone; the results show it, and the past round's results
  // show their charts.
  const surveysUrl = archiveUrl.replace(/\/topics$/, '/surveys');
  await ap.goto(surveysUrl);
  await checkAccessibility(ap, 'a round\'s surveys');
  otherWidth.push(surveysUrl, surveysUrl + '/new');
  await ap.goto(surveysUrl + '/new');
  await checkAccessibility(ap, 'the survey builder');
  await ap.goto(surveysUrl);
  await ap.locator('main a[href$="/open"]').first().click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'open a survey now (confirmation)');
  await ap.goto(archiveUrl.replace(/\/topics$/, '/close'));
  await checkAccessibility(ap, 'close a round (confirmation)');
  otherWidth.push(ap.url());
  await ap.goto(surveysUrl);
  await ap.locator('main a[href$="/open"]').first().click();
  await ap.waitForLoadState();
  const surveyOpened = Date.now();
  await ap.getByRole('button', { name: /yes, open it now/i }).click();
  await ap.waitForLoadState();
  if (!(await ap.getByText(/the survey is open/i).count())) problems.push('opening a survey did not say so');
  const surveyLink = await waitForLink('', '/survey\\?t=', surveyOpened);
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    const sctx = await browser.newContext({ viewport });
    const sp = await sctx.newPage();
    sp.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${sp.url()}: ${msg.text()}`); });
    await sp.goto(surveyLink);
    await checkAccessibility(sp, `a survey to fill in (${viewport.width}px)`);
    if (viewport.width < 1000) {
      for (const set of await sp.locator('main form fieldset').all()) await set.locator('input').first().check();
      for (const area of await sp.locator('main form textarea').all()) await area.fill('The topics give us something to talk about.');
      await sp.getByRole('button', { name: /send my answers/i }).click();
      await sp.waitForLoadState();
      if (!(await sp.getByText(/your answers are saved/i).count())) problems.push(`the survey answers were not saved: ${await sp.locator('main').innerText()}`);
      await checkAccessibility(sp, 'survey answered');
    } else if (!(await sp.getByText(/you answered before/i).count())) problems.push('an answered survey link does not offer to change the answers');
    await sctx.close();
  }
  await ap.goto(surveysUrl);
  const resultsLink = ap.locator('main a[href^="/surveys/"]').first();
  await resultsLink.click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'survey results (just opened)');
  otherWidth.push(ap.url());
  if (!(await ap.getByText(/1 of \d+/).count())) problems.push('the results do not count the answer just sent');
  await ap.goto(base + '/rounds');
  await ap.getByRole('link', { name: /demo past round/i }).first().click();
  await ap.waitForLoadState();
  await ap.getByRole('link', { name: /surveys and their results/i }).click();
  await ap.waitForLoadState();
  await ap.locator('main a[href^="/surveys/"]').first().click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'survey results with charts');
  otherWidth.push(ap.url());
  if ((await ap.locator('main svg').count()) < 3) problems.push('the past survey results draw fewer than three charts');

  await ap.goto(base + '/rounds');
  await ap.getByRole('link', { name: /demo round \(in review\)/i }).first().click();
  await ap.waitForLoadState();
  const demoRound = (ap.url().match(/\/rounds\/(\d+)/) || [])[1];

  // Late applications from a Google Form's spreadsheet: upload, say what an unknown answer
  // means, leave out the row with a bad address, confirm and import, at desk and phone width.
  await ap.getByRole('link', { name: /import applications from a spreadsheet/i }).click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'import: upload');
  otherWidth.push(ap.url());
  const formsCsv = [
    'Timestamp,Email Address,Your name,Which country do you work in?,City or town,Institution / organisation,Type of library,Job title,Years of experience,Areas of interest,Languages you speak,How would you like to communicate?,Who would you like to be matched with?,What do you hope to gain from the program?',
    '2017/02/01 10:00:00,ana.lima@example.net,Ana Lima,Brasil,Recife,Universidade Federal de Pernambuco,Academic library,Librarian,15+ years,"Open access, Social media","Portuguese, English","Email, Video calls",Open to any,Learn how others run open access',
    '2017/02/01 11:00:00,joe.bloggs@example.net,Joe Bloggs,USA,Austin,Austin Public Library,Public library,Branch manager,More than 15 years,Advocacy,English,Email,Open to any,Meet colleagues abroad',
    '2017/02/01 12:00:00,kim.lee@example,Kim Lee,"Korea, Republic of",Seoul,Seoul National University,Academic library,Cataloguer,0-5 years,Cataloguing and metadata,"Korean, English",Email,Open to any,Share cataloguing practice',
  ].join('\n') + '\n';
  await ap.setInputFiles('#file', { name: 'google-form.csv', mimeType: 'text/csv', buffer: Buffer.from(formsCsv) });
  await ap.getByRole('button', { name: /upload and check/i }).click();
  await ap.waitForLoadState();
  const reviewUrl = ap.url();
  if (!/\/imports\/\d+$/.test(reviewUrl)) throw new Error(`the upload did not lead to its review: at ${reviewUrl}`);
  await checkAccessibility(ap, 'import: columns, unknown answers and problems');
  await ap.getByLabel(/country: .brasil/i).selectOption('BR');
  await ap.getByLabel(/leave out line 4/i).check();
  await ap.getByRole('button', { name: /check the rows again/i }).click();
  await ap.waitForLoadState();
  if (!(await ap.getByText(/2 ready to import/).count())) problems.push(`the import review does not say 2 rows are ready: at ${ap.url()}`);
  await ap.getByRole('link', { name: /import 2 applications/i }).click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'import: confirmation');
  await ap.getByRole('button', { name: /yes, import them/i }).click();
  await ap.waitForLoadState();
  if (!(await ap.getByText(/imported 2 applications/i).count())) problems.push(`the import did not say it imported 2: at ${ap.url()}`);
  {
    // The same pages at phone width, with a file of one new person, then thrown away.
    const ictx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const ip = await ictx.newPage();
    ip.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${ip.url()}: ${msg.text()}`); });
    await signIn(ip, admin.email, admin.password);
    await ip.goto(`${base}/rounds/${demoRound}/import`);
    const one = formsCsv.split('\n')[0] + '\n2017/03/01 09:00:00,mele.tupou@example.net,Mele Tupou,Tonga,Nuku\'alofa,Tonga National Library,National library,Librarian,5-15 years,Literacy programs,"Tongan, English",Chat,Open to any,Share what works\n';
    await ip.setInputFiles('#file', { name: 'late.csv', mimeType: 'text/csv', buffer: Buffer.from(one) });
    await ip.getByRole('button', { name: /upload and check/i }).click();
    await ip.waitForLoadState();
    await checkAccessibility(ip, 'import: review (390px)');
    await ip.getByLabel(/languages: .tongan/i).selectOption('other');
    await ip.getByRole('button', { name: /check the rows again/i }).click();
    await ip.waitForLoadState();
    await ip.getByRole('link', { name: /import 1 application/i }).click();
    await ip.waitForLoadState();
    await checkAccessibility(ip, 'import: confirmation (390px)');
    await ip.getByRole('link', { name: /no, go back/i }).click();
    await ip.waitForLoadState();
    await ip.getByRole('button', { name: /throw this file away/i }).click();
    await ip.waitForLoadState();
    if (!(await ip.getByText(/nothing was imported/i).count())) problems.push(`throwing the file away did not say so: at ${ip.url()}`);
    await ictx.close();
  }
  await ap.goto(`${base}/rounds/${demoRound}`);
  await ap.getByRole('button', { name: /start matching now/i }).click();
  await ap.waitForLoadState();
  await ap.goto(`${base}/rounds/${demoRound}/matching`);
  await checkAccessibility(ap, 'run matching');
  await ap.getByRole('button', { name: /^run matching$/i }).click();
  await ap.waitForLoadState();
  await checkAccessibility(ap, 'a matching run');
  if (!(await ap.getByText(/certified optimal/i).count())) problems.push('the matching run does not say it is certified optimal');
  await ap.getByRole('button', { name: /publish the partnerships/i }).click();
  await ap.waitForLoadState();
  if (!(await ap.getByText(/published/i).count())) problems.push(`publishing did not say so: at ${ap.url()}`);
  await ap.goto(`${base}/rounds/${demoRound}/partnerships`);
  await checkAccessibility(ap, 'published partnerships');
  await adminCtx.close();

  // The admin's pages of the months of a round again at phone width, the board at desktop's
  // other width: every new page passes axe at both.
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const pp = await phoneCtx.newPage();
  pp.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error on ${pp.url()}: ${msg.text()}`); });
  await signIn(pp, admin.email, admin.password);
  for (const url of otherWidth) {
    const answer = await pp.goto(url);
    if (!answer || answer.status() !== 200) problems.push(`${url} answered ${answer && answer.status()} at phone width`);
    await checkAccessibility(pp, `${new URL(url).pathname} (390px)`);
  }
  // A topic still to come, and the confirmation before releasing it now.
  await pp.goto(archiveUrl);
  await pp.locator('main a[href^="/topics/"]').last().click();
  await pp.waitForLoadState();
  const releaseLink = pp.getByRole('link', { name: /release it now/i });
  if (await releaseLink.count()) {
    await releaseLink.click();
    await pp.waitForLoadState();
    await checkAccessibility(pp, 'release a topic now (confirmation, 390px)');
  } else problems.push(`the last topic of the archive offers no release: at ${pp.url()}`);
  await phoneCtx.close();
} catch (err) {
  failed = true;
  console.error(`browser flow failed: ${err.stack || err}`);
} finally {
  await browser.close();
}

for (const line of checked) console.log(`checked ${line}`);
for (const p of problems) console.error(p);
if (failed || problems.length) {
  console.error(`browser tests: ${problems.length} problems`);
  process.exit(1);
}
console.log(`browser tests: sign up, verify, sign in, sign out, the three demo roles, reading and writing discussion topics, answering an emailed check-in, turning topic emails off, opening and filling a survey and reading its results, the certificate and the close confirmation, the alumni directory, suggestions, network and messages, the report pages, applying to a round, importing applications from a spreadsheet and publishing a round passed; ${checked.length} pages with no serious accessibility violations, none wider than its window`);
