/** The workflow types the worker registers (one file each). */
export { apply } from './apply';
export { deploy } from './deploy';
export { upgrade } from './upgrade';
export { suspend } from './suspend';
export { resume } from './resume';
export { rollback } from './rollback';
export { savepoint } from './savepoint';
export { registerSavepoint } from './register-savepoint';
export { observer } from './observer';
export { restartFromCheckpoint } from './restart';
export { deleteApplication as delete } from './delete';
export { fleet } from './fleet';
