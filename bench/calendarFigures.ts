/** #18: the Calendar's figures alone (`node --import tsx bench/calendarFigures.ts`); `npm run bench -- --only figures` prints them too. */
import { calendarFigures } from './figures';

void calendarFigures({ smoke: process.argv.includes('--smoke'), workerPath: '' });
