import indexHtml from './index-html.js';
import styleCss from './style-css.js';
import dom from './client/dom.js';
import format from './client/format.js';
import main from './client/main.js';
import tasks from './client/tasks.js';
import roles from './client/roles.js';
import messages from './client/messages.js';
import questions from './client/questions.js';
import findings from './client/findings.js';
import health from './client/health.js';
import sparkline from './client/sparkline.js';
import other from './client/other.js';

export interface Asset {
  contentType: string;
  body: string;
}

const js = (body: string): Asset => ({ contentType: 'text/javascript; charset=utf-8', body });

/**
 * The dashboard: one page, its stylesheet and small ES modules, with no build step. They are
 * kept as string modules so that `tsc` puts them in dist/ and the server finds them wherever
 * cairn is installed.
 */
export const INDEX: Asset = { contentType: 'text/html; charset=utf-8', body: indexHtml };

export const ASSETS: Record<string, Asset> = {
  'style.css': { contentType: 'text/css; charset=utf-8', body: styleCss },
  'main.js': js(main),
  'dom.js': js(dom),
  'format.js': js(format),
  'tasks.js': js(tasks),
  'roles.js': js(roles),
  'messages.js': js(messages),
  'questions.js': js(questions),
  'findings.js': js(findings),
  'health.js': js(health),
  'sparkline.js': js(sparkline),
  'other.js': js(other),
};
