// The reference half of tools/bench-jsonata: the cases and media template
// that JSONataBenchmark exported, evaluated by jsonata-js in node.
//
//     node tools/bench-jsonata.js filter JSONATA_JS SUITE_DIR EXPORT_DIR
//         keeps, in EXPORT_DIR/common.txt, the cases of cases.txt that the
//         reference evaluates within 20 ms (some loop forever in it; a worker
//         thread runs them so that a stuck one can be stopped)
//     node tools/bench-jsonata.js measure JSONATA_JS SUITE_DIR EXPORT_DIR ROUNDS
//         evaluates common.txt's cases ROUNDS times and the media template
//         20,000 times, parse once, best of 3 wall times
'use strict';
const fs = require('fs');
const path = require('path');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

const [mode, jsonataPath, suite, exportDir, roundsText] = isMainThread ? process.argv.slice(2) : workerData.argv;
const jsonata = require(path.resolve(jsonataPath));
const rounds = Number(roundsText || 20);
const listFile = mode === 'filter' ? 'cases.txt' : 'common.txt';

function readJSON(file) {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// Case ids as run_jsonata.py and JSONataBenchmark name them.
const wanted = new Set(fs.readFileSync(path.join(exportDir, listFile), 'utf8').split('\n').filter(Boolean));
const cases = [];
const groups = path.join(suite, 'groups');
for (const group of fs.readdirSync(groups).sort()) {
    for (const file of fs.readdirSync(path.join(groups, group)).sort()) {
        if (!file.endsWith('.json')) continue;
        const parsed = readJSON(path.join(groups, group, file));
        const stem = `${group}/${file.slice(0, -5)}`;
        const entries = Array.isArray(parsed) ? parsed.map((entry, index) => [`${stem}#${index}`, entry]) : [[stem, parsed]];
        for (const [id, entry] of entries) {
            if (!wanted.has(id)) continue;
            let input = entry.data;
            if (input === undefined && typeof entry.dataset === 'string') {
                input = readJSON(path.join(suite, 'datasets', `${entry.dataset}.json`));
            }
            const text = entry.expr !== undefined ? entry.expr : fs.readFileSync(path.join(groups, group, entry['expr-file']), 'utf8');
            let expression;
            try {
                expression = jsonata(text);
            } catch (error) {
                continue; // A syntax error in the reference: nothing to evaluate.
            }
            cases.push({ id, expression, input, bindings: entry.bindings || {} });
        }
    }
}

function evaluate(suiteCase) {
    try {
        return suiteCase.expression.evaluate(suiteCase.input, suiteCase.bindings) !== undefined;
    } catch (error) {
        return false;
    }
}

function bestOfThree(body) {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
        const start = process.hrtime.bigint();
        body();
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
    }
    return best;
}

if (!isMainThread) {
    // Filter worker: evaluate from the given index on, reporting each case done.
    parentPort.postMessage({ ready: true });
    for (let index = workerData.from; index < cases.length; index++) {
        const start = process.hrtime.bigint();
        evaluate(cases[index]);
        parentPort.postMessage({ index, milliseconds: Number(process.hrtime.bigint() - start) / 1e6 });
    }
    parentPort.postMessage({ done: true });
} else if (mode === 'filter') {
    filter();
} else {
    measure();
}

function filter() {
    const kept = [];
    let from = 0;
    const runFrom = () => {
        const worker = new Worker(__filename, { workerData: { argv: process.argv.slice(2), from } });
        let timer = null;
        const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
                // The case at `from` is stuck: leave it out and go on after it.
                worker.terminate();
                from += 1;
                runFrom();
            }, 2000);
        };
        worker.on('message', (message) => {
            if (message.ready) {
                arm(); // Only once loaded: a busy machine may take seconds to start a worker.
                return;
            }
            if (message.done) {
                clearTimeout(timer);
                worker.terminate();
                fs.writeFileSync(path.join(exportDir, 'common.txt'), kept.join('\n'));
                console.log(`reference: ${kept.length} of ${cases.length} cases evaluate within 20 ms`);
                return;
            }
            if (message.milliseconds < 20) kept.push(cases[message.index].id);
            from = message.index + 1;
            arm();
        });
    };
    runFrom();
}

function measure() {
let sink = 0;
const suiteSeconds = bestOfThree(() => {
    for (let round = 0; round < rounds; round++) {
        for (const suiteCase of cases) if (evaluate(suiteCase)) sink++;
    }
});
console.log(`reference suite: ${cases.length} cases x ${rounds} rounds in ${suiteSeconds} s (of ${wanted.size} asked)`);
console.log(`RESULT suite ${Math.round(cases.length * rounds / suiteSeconds)} evaluations/s`);

const media = readJSON(path.join(exportDir, 'media.json'));
const template = { expression: jsonata(media.template), input: undefined, bindings: { states: { input: media.input } } };
const templateEvaluations = 20000;
const templateSeconds = bestOfThree(() => {
    for (let index = 0; index < templateEvaluations; index++) if (evaluate(template)) sink++;
});
console.log(`reference media template: ${templateEvaluations} evaluations in ${templateSeconds} s`);
console.log(`RESULT media ${Math.round(templateEvaluations / templateSeconds)} evaluations/s`);
if (sink === 42) console.log('');
}
