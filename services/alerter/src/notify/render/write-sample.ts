// Writes the sample notification to files, to look at by eye:
//   node --import tsx services/alerter/src/notify/render/write-sample.ts [email.html] [chart.png]
// The HTML's cid: image is rewritten to the PNG's file name so a browser shows it.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { renderEmail } from './render-email';
import { sampleContent } from './sample-content';

const [htmlPath = '/tmp/memsight-sample-email.html', pngPath = '/tmp/memsight-sample-chart.png'] = process.argv.slice(2);
const started = performance.now();
const email = renderEmail(sampleContent());
const elapsedMs = performance.now() - started;
const chart = email.attachments[0];
let html = email.html;
if (chart) {
  writeFileSync(pngPath, chart.content);
  html = html.replaceAll(`cid:${chart.cid}`, basename(pngPath));
}
email.attachments.slice(1).forEach((a, i) => {
  const path = pngPath.replace(/\.png$/, `-${i + 2}.png`);
  writeFileSync(path, a.content);
  html = html.replaceAll(`cid:${a.cid}`, basename(path));
});
writeFileSync(htmlPath, html);
writeFileSync(htmlPath.replace(/\.html$/, '.txt'), `Subject: ${email.subject}\n\n${email.text}`);
process.stdout.write(
  `${email.subject}\nrendered in ${elapsedMs.toFixed(0)} ms: ${email.attachments.map((a) => `${a.filename} ${a.content.length} B`).join(', ')}\nwrote ${htmlPath}, ${pngPath}\n`,
);
