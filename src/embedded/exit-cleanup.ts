/**
 * Last-resort cleanup that must run however the process ends (process.exit, an uncaught error,
 * a shutdown deadline): stop embedded servers, release the data-folder lock. 'exit' listeners
 * may only do synchronous work, so the tasks are synchronous (send a signal, unlink a file).
 */
const tasks = new Set<() => void>();
let installed = false;

export function onProcessExit(task: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runExitTasks);
  }
  tasks.add(task);
  return () => {
    tasks.delete(task);
  };
}

function runExitTasks(): void {
  for (const task of [...tasks]) {
    try {
      task();
    } catch {
      // One failing task must not keep the others from running.
    }
  }
  tasks.clear();
}
