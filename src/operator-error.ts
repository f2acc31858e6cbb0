/**
 * A problem the operator fixes, not a bug: the message is one line naming what is wrong and what
 * would fix it, so the CLI prints it as it is, without a stack trace, and exits non-zero.
 */
export class OperatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperatorError';
  }
}
