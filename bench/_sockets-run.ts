import b from './sockets';
const r = await b.run();
console.log(JSON.stringify(r, null, 1));
